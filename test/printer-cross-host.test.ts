// The printer on every engine (V8, wasm2c, WAMR fast and classic), driven through the same
// script by the printer apps' own session code: a tap, Wi-Fi Direct with a wrong router
// key then the right one, a PT over the LAN, registration, the cloud's ST, SVWT and two
// charges (one of them delivered twice), a print by tap, a refused print with a used PWT.
// Every output and the final flash bytes must be identical, and the printer must have
// done what its user relies on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Driver } from "../scripts/fuzz/driver.ts";
import { DriverPort, connected, onGroup, routerNdef, tap } from "../scripts/fuzz/printer.ts";
import { PrinterSession } from "../host-sim/phone/printer/session.ts";
import { WFD_LABEL, PRINT_SHORT } from "../host-sim/phone/printer/messages.ts";
import { EventKind, LinkId, type BoardEvent, type CallResult } from "../host-sim/device/types.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import { jsonOutput } from "../host-sim/scenario/format.ts";
import { nativeEngines } from "./support/engines.ts";

const DEVICE_ID = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";
const enc = new TextEncoder();
const b64 = (fill: number) => Buffer.alloc(32, fill).toString("base64");

function down(body: string): BoardEvent {
  const t = enc.encode(`devices/${DEVICE_ID}/down`), b = enc.encode(body);
  const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p };
}

interface Run { trace: string[]; flash: Buffer; wrongKey: number; printed: number[]; published: string[] }

async function script(host: HostName): Promise<Run> {
  const d = new Driver(host, "printer", 5000);
  const trace: string[] = [];
  const published: string[] = [];
  const send = d.send.bind(d);
  d.send = async (ev: BoardEvent): Promise<CallResult> => {
    const r = await send(ev);
    trace.push(`${ev.kind}/${ev.arg} -> ${r.result} ${JSON.stringify(r.outputs.map(jsonOutput))}`);
    for (const o of r.outputs) if (o.t === "mqtt_publish") published.push(`${o.topic} ${Buffer.from(o.payload).toString()}`);
    return r;
  };
  try {
    // A wrong key first, on a printer of its own: the printer stays off the router and
    // the same session takes the right key.
    await d.powerOn();
    const g = await onGroup(d);
    const port = new DriverPort(d, LinkId.WIFI_DIRECT);
    const s = new PrinterSession(g.key, port, `${WFD_LABEL} link ${LinkId.WIFI_DIRECT}`);
    await s.open();
    port.joinAnswer = -6;
    const wrongKey = await s.router(routerNdef());
    port.joinAnswer = 1;
    assert.equal(await s.router(routerNdef()), 0, "the right key after the wrong one");

    // Set up and registered from scratch, then the cloud's part.
    await d.powerOn();
    await connected(d);
    for (const body of [
      `{"cmd":1,"st":"${b64(1)}"}`,
      `{"cmd":2,"svwt":"${b64(2)}"}`,
      `{"cmd":3,"charge":1,"pages":100,"kind":1,"cwt":"${b64(3)}"}`,
      `{"cmd":3,"charge":1,"pages":100,"kind":1,"cwt":"${b64(3)}"}`,     // delivered twice
      `{"cmd":4,"charge":1,"pages":100,"kind":1,"cwt":"${b64(3)}"}`,     // the same charge, resent under a new number
      `{"cmd":5,"charge":2,"pages":5,"kind":2,"cwt":"${b64(4)}"}`,
      `{"ack":3}`,
    ]) await d.step(down(body), body);

    // Print by tap: a PRINT with the PWT just read, then one with the same (used) PWT.
    const a = await tap(d);
    assert.equal(a.kind, "print");
    const p = new PrinterSession(g.key, new DriverPort(d, LinkId.WIFI_DIRECT), `${WFD_LABEL} link ${LinkId.WIFI_DIRECT}`);
    await p.open();
    const first = await p.print(a.pwt!, 10);
    let second = 0;
    try { await p.print(a.pwt!, 10); } catch (e) { second = (e as { status?: number }).status ?? 1; }
    const short = await (async () => {
      const b = await tap(d);
      const q = new PrinterSession(g.key, new DriverPort(d, LinkId.WIFI_DIRECT), `${WFD_LABEL} link ${LinkId.WIFI_DIRECT}`);
      await q.open();
      return (await q.print(b.pwt!, 500)).status;
    })();
    return { trace, flash: Buffer.from(await d.flash()), wrongKey, printed: [first.status, first.pagesLeft, second, short], published };
  } finally {
    await d.close();
  }
}

test("printer: set-up, registration, charges and printing give the same outputs and flash on every engine", async () => {
  const ts = await script("ts");
  assert.equal(ts.wrongKey, -6, "a wrong router key is reported, the group stays");
  // 100 free pages applied once (delivered twice, resent under another number: USED), 5 paid;
  // a 10-page job leaves 95; the used PWT is refused; a 500-page job is SHORT.
  assert.deepEqual(ts.printed, [0, 95, -6, PRINT_SHORT]);
  const said = ts.published.join("\n");
  assert.match(said, /up\/reply \{"seq":\d+,"cmd":3,"status":0\}/, "the charge applied");
  assert.match(said, /up\/reply \{"seq":\d+,"cmd":4,"status":1\}/, "the same charge id again: USED");
  assert.ok(ts.trace.length > 30, `a whole script ran (${ts.trace.length} events)`);
  const engines = nativeEngines();
  for (const host of engines) {
    const other = await script(host);
    assert.deepEqual(other.trace, ts.trace, `trace on ${host}`);
    assert.ok(other.flash.equals(ts.flash), `final flash images differ on ${host}`);
  }
});
