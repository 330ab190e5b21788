// The page: connects to the home, mounts every view into its slot, and wires the tabs
// below the home and the console command line.
import { SocketConnection } from "./connection.ts";
import { VIEWS } from "./views.ts";

const state = document.getElementById("link-state")!;
const conn = new SocketConnection(`ws://${location.host}/ws`, (open) => {
  state.textContent = open ? "live" : "home not reachable: retrying…";
  state.classList.toggle("down", !open);
});

for (const v of VIEWS) {
  const root = document.querySelector<HTMLElement>(`[data-view="${v.name}"]`);
  if (root) v.mount(root, conn);
}

for (const tab of document.querySelectorAll<HTMLButtonElement>("[data-tab]")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll<HTMLButtonElement>("[data-tab]")) t.setAttribute("aria-selected", String(t === tab));
    for (const p of document.querySelectorAll<HTMLElement>("[data-pane]")) p.hidden = p.dataset.pane !== tab.dataset.tab;
    // Views drawn while hidden (plots) size themselves again.
    window.dispatchEvent(new Event("resize"));
  });
}

const form = document.getElementById("command") as HTMLFormElement;
const reply = document.getElementById("command-reply")!;
form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = form.elements.namedItem("line") as HTMLInputElement;
  const line = input.value.trim();
  if (!line) return;
  input.value = "";
  reply.hidden = false;
  reply.textContent = `> ${line}\n…`;
  const r = await conn.request({ t: "command", line });
  reply.textContent = `> ${line}\n${r.text || "ok"}`;
  reply.classList.toggle("error", !!r.error);
});
