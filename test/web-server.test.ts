// The page's server without a browser: what a page gets when it connects, a console
// command's reply, and that nothing but this machine's own page reaches the home (another
// site's page by its Origin, a rebound DNS name by its Host).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { WebSocket } from "ws";
import { Home } from "../host-sim/home/world.ts";
import { brokerKindFromEnv } from "../host-sim/net/broker.ts";
import { startWebServer, type WebServer } from "../host-sim/web/server.ts";
import type { ServerMessage } from "../host-sim/web/messages.ts";

async function withServer(fn: (web: WebServer) => Promise<void>): Promise<void> {
  const dataDir = join(mkdtempSync(join(tmpdir(), "web-server-")), "data");
  const home = new Home({ dataDir, broker: brokerKindFromEnv(), heaterHost: "ts", fresh: true, seeded: true, printer: false, meter: false, pcs: false, lock: false });
  await home.start();
  const web = await startWebServer(home, { port: 0 });
  try { await fn(web); } finally { await web.close(); await home.stop(); }
}

test("a page gets the panels, phones and clock first, and a command's reply by its id", async () => {
  await withServer(async (web) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, { origin: `http://127.0.0.1:${web.port}` });
    const got: ServerMessage[] = [];
    const reply = new Promise<ServerMessage>((resolve) => ws.on("message", (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      got.push(m);
      if (m.t === "reply") resolve(m);
    }));
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ t: "command", id: 7, line: "help" }));
    const r = await reply;
    assert.ok(r.t === "reply" && r.id === 7 && r.text.startsWith("Commands:"));
    const heater = got.find((m) => m.t === "panel" && m.panel.device === "heater");
    assert.ok(heater && heater.t === "panel" && /^Water heater/.test(heater.panel.screen), "the heater's panel with its screen");
    assert.deepEqual(got.filter((m) => m.t === "phone").map((m) => m.t === "phone" && m.phone.name), ["alice", "bob"]);
    assert.ok(got.some((m) => m.t === "clock" && m.clock.brokerUp && m.clock.cloudUp));
    ws.close();
  });
});

test("another site's page cannot open the home's WebSocket, nor a request under another host name", async () => {
  await withServer(async (web) => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, { origin: "http://evil.example" });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
    });
    assert.equal(refused, 401);
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: "127.0.0.1", port: web.port, path: "/", headers: { host: `rebound.example:${web.port}` } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on("error", reject).end();
    });
    assert.equal(status, 421);
  });
});

test("every button of every appliance gets a keyboard shortcut of its own", async () => {
  const { shortcuts } = await import("../host-sim/web/feeds/panels.ts");
  const { APPLIANCES } = await import("../host-sim/appliances/index.ts");
  for (const a of APPLIANCES) {
    const names = Object.keys(a.local?.buttons ?? {});
    const keys = shortcuts(names);
    assert.deepEqual(Object.keys(keys).sort(), [...names].sort(), `${a.name}: a key for each button`);
    assert.equal(new Set(Object.values(keys)).size, names.length, `${a.name}: no key twice`);
  }
  assert.deepEqual(shortcuts(["ok", "back", "select1"]), { ok: "Enter", back: "Escape", select1: "1" });
});
