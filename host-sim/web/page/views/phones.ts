// The phones beside the panels: each one's screens, whether it is at home, its actions
// (each a console command) and a command line of its own ("alice set bath_temp 41"). A home
// whose appliances have no phone app (an --image home alone) says so instead.
import type { PageConnection, PageView, PhoneView } from "../../messages.ts";
import { el } from "../dom.ts";

export const phonesView: PageView = {
  name: "phones",
  mount(root: HTMLElement, conn: PageConnection) {
    const cards = new Map<string, HTMLElement>();
    const replies = new Map<string, string>();
    const none = el("p", { class: "empty" }, "No phones: no appliance in this home has a phone app (an --image home drives its image from the panel; --with adds appliances).");
    root.append(none);

    const run = async (name: string, command: string) => {
      replies.set(name, `> ${command}\n…`);
      cards.get(name)?.querySelector(".reply")!.replaceChildren(replies.get(name)!);
      const r = await conn.request({ t: "command", line: command });
      replies.set(name, `> ${command}\n${r.text || "ok"}`);
      const out = cards.get(name)?.querySelector<HTMLElement>(".reply");
      if (out) { out.textContent = replies.get(name)!; out.classList.toggle("error", !!r.error); }
    };

    const draw = (p: PhoneView): HTMLElement => {
      const actions = el("div", { class: "actions" }, ...p.actions.map((a) => {
        const b = el("button", { "data-command": a.command, title: `runs: ${a.command}`, "aria-label": `${p.name}: ${a.label}` }, a.label);
        b.addEventListener("click", () => void run(p.name, a.command));
        return b;
      }));
      const input = el("input", { name: "line", placeholder: `${p.name} …`, autocomplete: "off", spellcheck: "false", "aria-label": `a command for ${p.name}'s phone (${p.name} set bath_temp 41)` });
      const form = el("form", { class: "phone-command" }, input, el("button", { title: `send the command as ${p.name}` }, "Send"));
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        const words = input.value.trim();
        if (!words) return;
        input.value = "";
        void run(p.name, words.startsWith(`${p.name} `) ? words : `${p.name} ${words}`);
      });
      return el("article", { class: `phone ${p.atHome ? "at-home" : "away"}`, "data-phone": p.name },
        el("header", {}, el("h2", {}, `${p.name[0].toUpperCase()}${p.name.slice(1)}'s phone`), el("small", {}, p.atHome ? "at home" : "away")),
        el("pre", { class: "screen", "data-screen": p.name }, p.screen),
        actions, form, el("pre", { class: "reply" }, replies.get(p.name) ?? ""));
    };

    conn.on("phone", ({ phone }) => {
      const card = draw(phone);
      const old = cards.get(phone.name);
      // A half-typed command survives the redraw.
      const typing = old?.querySelector<HTMLInputElement>("input");
      if (typing?.value) { const i = card.querySelector<HTMLInputElement>("input")!; i.value = typing.value; }
      const focused = typing !== undefined && typing !== null && document.activeElement === typing;
      none.remove();
      if (old) old.replaceWith(card); else root.append(card);
      if (focused) card.querySelector<HTMLInputElement>("input")!.focus();
      cards.set(phone.name, card);
    });
  },
};
