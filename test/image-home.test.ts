// Any image in the simulated home (`npm start -- --image ...`): the command line, the
// generic device with the buttons its image declares (provisioned at its first power-on,
// no named appliance beside it), its panel on the page's WebSocket, the page's record
// switch writing a scenario that replays on ts and posix, and an image without a button
// map getting a panel with no buttons and a note. Phones show only what the home runs: none
// for an image alone, the printer's actions and no heater's beside `--with printer`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { Home } from "../host-sim/home/world.ts";
import { parseHomeArgs } from "../host-sim/home/options.ts";
import { runCommand } from "../host-sim/home/commands.ts";
import { startWebServer } from "../host-sim/web/server.ts";
import { phonesFeed } from "../host-sim/web/feeds/phones.ts";
import type { ClientMessage, PanelView, ServerMessage, WithoutId } from "../host-sim/web/messages.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { customSection } from "../scripts/button-section.ts";
import { loadScenario } from "../host-sim/scenario/json.ts";
import { replayScenario } from "../host-sim/scenario/replay.ts";

test("--image picks the image and its host, and leaves the named appliances out unless --with asks", () => {
  const wasm = "build/images/smart-plug.wasm";
  const a = parseHomeArgs(["--image", wasm]).home;
  assert.deepEqual(a.image, { path: wasm, host: "ts" });
  assert.deepEqual([a.heater, a.printer, a.meter, a.pcs, a.lock], [false, false, false, false, false]);
  assert.deepEqual(parseHomeArgs(["--image", wasm, "--posix"]).home.image, { path: wasm, host: "posix" });
  assert.deepEqual(parseHomeArgs(["--image", "build/posix/smart-plug"]).home.image, { path: "build/posix/smart-plug", host: "posix" });
  const w = parseHomeArgs(["--image", wasm, "--with", "heater,lock"]).home;
  assert.deepEqual([w.heater, w.printer, w.lock], [true, false, true]);
  assert.throws(() => parseHomeArgs(["--image", "build/images/nope.wasm"]), /no such file/);
  assert.throws(() => parseHomeArgs(["--image"]), /--image needs a value/);
  assert.throws(() => parseHomeArgs(["--with", "heater"]), /--with needs --image/);
  assert.throws(() => parseHomeArgs(["--image", wasm, "--with", "toaster"]), /--with toaster: choose from/);
  assert.throws(() => parseHomeArgs(["--image", wasm, "--demo"]), /--image and --demo/);
  assert.equal(parseHomeArgs([]).home.image, undefined);
});

/** A page's WebSocket: every message kept, actions answered by their reply. */
async function pageSocket(url: string) {
  // The page's own origin: the server refuses a WebSocket from another site's page.
  const ws = new WebSocket(url.replace(/^http/, "ws") + "ws", { origin: url.replace(/\/$/, "") });
  const got: ServerMessage[] = [];
  const waiting = new Map<number, (m: ServerMessage) => void>();
  ws.on("message", (d) => {
    const m = JSON.parse(String(d)) as ServerMessage;
    got.push(m);
    if (m.t === "reply") waiting.get(m.id)?.(m);
  });
  await new Promise((r, j) => { ws.once("open", r); ws.once("error", j); });
  let id = 0;
  return {
    got,
    panel: (device: string): PanelView | undefined => got.flatMap((m) => m.t === "panel" && m.panel.device === device ? [m.panel] : []).pop(),
    request: (m: WithoutId<ClientMessage>) => new Promise<Extract<ServerMessage, { t: "reply" }>>((r) => {
      const n = ++id;
      waiting.set(n, (x) => r(x as Extract<ServerMessage, { t: "reply" }>));
      ws.send(JSON.stringify({ ...m, id: n }));
    }),
    close: () => ws.close(),
  };
}

async function withImageHome(image: string, fn: (home: Home, dataDir: string) => Promise<void>, more: string[] = []): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "image-home-"));
  const cli = parseHomeArgs(["--image", image, "--data", dataDir, "--fresh", ...more]);
  const home = new Home({ ...cli.home, seeded: true });
  try {
    await home.start();
    await fn(home, dataDir);
  } finally {
    await home.stop();
  }
}

test("the smart plug's image runs alone in the home with its declared buttons, a panel on the page, and a recording that replays", async () => {
  await withImageHome("build/images/smart-plug.wasm", async (home, dataDir) => {
    assert.ok(home.image, "the image runs");
    assert.equal(home.heater, undefined, "no water heater unless asked");
    assert.equal(home.printer, null);
    assert.match(home.image.serial ?? "", /^IMG-[0-9A-F]{6}$/, "provisioned with a generated serial");
    assert.ok(home.flow.some((l) => /smart-plug: first power-on, provisioned as IMG-/.test(l.text)));

    const web = await startWebServer(home, { port: 0 });
    const page = await pageSocket(web.url);
    try {
      // The first messages are every feed's initial(): the image's panel among them.
      const until = async (what: string, ok: () => boolean) => {
        const end = Date.now() + 10000;
        while (!ok()) { if (Date.now() > end) throw new Error(`timed out: ${what}`); await new Promise((r) => setTimeout(r, 20)); }
      };
      await until("the image's panel", () => page.panel("smart-plug") !== undefined);
      const panel = page.panel("smart-plug")!;
      assert.deepEqual(panel.buttons.map((b) => [b.name, b.id]), [["toggle", 0], ["up", 1], ["down", 2], ["ok", 3], ["back", 4], ["pair", 5]]);
      assert.equal(panel.image, "smart-plug", "an image where the build puts it goes by its name");
      assert.match(panel.title, /smart-plug \(IMG-/);
      assert.equal(page.got.filter((m) => m.t === "panel").length, 1, "only the image's panel");

      const on = await page.request({ t: "record", on: true });
      assert.match(on.text, /recording smart-plug/);
      // Barrier: the reply follows every feed's initial messages on the socket.
      assert.deepEqual(page.got.filter((m) => m.t === "phone"), [], "no phone: nothing in this home has a phone app");
      assert.ok(!home.flow.some((l) => /^(alice|bob) -> cloud/.test(l.text)), "and no phone signs in to the cloud");
      await until("the clock says it records", () => page.got.some((m) => m.t === "clock" && m.clock.recording));
      assert.equal((await page.request({ t: "press", device: "smart-plug", button: "toggle" })).text, "");
      await until("the plug is on", () => /On/.test(page.panel("smart-plug")?.screen ?? ""));
      await until("its relay lamp is lit", () => page.panel("smart-plug")?.pins.find((p) => p.name === "relay")?.level === 1);
      assert.equal(await runCommand(home, "press pair"), "", "the console presses the image's buttons");
      assert.match(await runCommand(home, "press nope"), /no button "nope" on smart-plug; buttons: toggle up down ok back pair/);
      const off = await page.request({ t: "record", on: false });
      const file = /^npm run replay -- (\S+)$/m.exec(off.text)?.[1];
      assert.ok(file?.startsWith(join(dataDir, "recordings")), off.text);
      const s = loadScenario(file);
      assert.equal(s.image, "smart-plug");
      assert.deepEqual(s.steps.flatMap((st) => st.label?.startsWith("press") ? [st.label] : []), ["press toggle", "press pair"]);
      const r = await replayScenario(s, ["ts", "posix"], mkdtempSync(join(tmpdir(), "replay-")));
      assert.equal(r.difference, null, r.text);
    } finally {
      page.close();
      await web.close();
    }
  });
});

test("an image without a button map gets a panel with no buttons and a note", async () => {
  const wasm = readFileSync(wasmImagePath("smart-plug"));
  const map = readFileSync("firmware/images/smart-plug/buttons.json", "utf8");
  const tail = customSection("buttons", new TextEncoder().encode(JSON.stringify(JSON.parse(map))));
  assert.deepEqual([...wasm.subarray(wasm.length - tail.length)], [...tail], "the build appended the map last");
  const bare = join(mkdtempSync(join(tmpdir(), "bare-")), "bare-plug.wasm");
  writeFileSync(bare, wasm.subarray(0, wasm.length - tail.length));
  await withImageHome(bare, async (home) => {
    assert.ok(home.image);
    assert.equal(home.image.buttons, null);
    assert.match(home.image.buttonNote ?? "", /declares no buttons/);
    assert.match(await runCommand(home, "press toggle"), /bare-plug has no buttons: the image declares no buttons/);
    const web = await startWebServer(home, { port: 0 });
    const page = await pageSocket(web.url);
    try {
      const end = Date.now() + 10000;
      while (!page.panel("bare-plug") && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      const panel = page.panel("bare-plug");
      assert.ok(panel);
      assert.deepEqual(panel.buttons, []);
      assert.match(panel.title, /declares no buttons/);
      assert.match(panel.screen, /Off/, "it runs all the same");
    } finally {
      page.close();
      await web.close();
    }
  });
});

test("beside --with printer the phones offer the printer's actions and no water heater's", async () => {
  await withImageHome("build/images/smart-plug.wasm", async (home) => {
    assert.equal(home.heater, undefined);
    await assert.rejects(runCommand(home, "alice register"), /this home has no water heater \(an --image home runs one with --with heater\)/);
    await assert.rejects(runCommand(home, "bob set bath_temp 41"), /this home has no water heater/);
    const phones = phonesFeed(home).initial().flatMap((m) => m.t === "phone" ? [m.phone] : []);
    assert.deepEqual(phones.map((p) => p.name), ["alice", "bob"]);
    for (const p of phones) {
      const labels = p.actions.map((a) => a.label);
      assert.ok(labels.includes("tap printer (NFC)") && labels.includes("print 1 page"), labels.join(", "));
      assert.ok(!labels.some((l) => /heater/.test(l)), `no heater action: ${labels.join(", ")}`);
      assert.doesNotMatch(p.screen, /water heater/, "no maker app screen for a heater the home does not run");
      assert.match(p.screen, /Printer app/);
    }
  }, ["--with", "printer"]);
});
