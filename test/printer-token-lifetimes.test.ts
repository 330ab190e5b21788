// Each token's lifetime, judged by the printer at T - 1 s, T and T + 1 s on every engine
// (V8, wasm2c, WAMR fast and classic), through the frames a phone sends: the PWT's hourly
// rotation, the PT's 30 minutes idle, the SVWT's 24 hours, the CWT's 24 hours. The clock
// jumps without the TIMER events that would erase the token: a token past its time must
// be refused before its deadline's event comes (tokens README, "Lifetimes").
import { test } from "node:test";
import assert from "node:assert/strict";
import { Driver } from "../scripts/fuzz/driver.ts";
import { DriverPort, connected, onRouter, tap, type Phone } from "../scripts/fuzz/printer.ts";
import { PrinterSession, PrinterRefused } from "../host-sim/phone/printer/session.ts";
import { LAN_LABEL } from "../host-sim/phone/printer/messages.ts";
import { EventKind, LinkId, type BoardEvent } from "../host-sim/device/types.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import { nativeEngines } from "./support/engines.ts";

const DEVICE_ID = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";
const MINUTE = 60_000, HOUR = 60 * MINUTE;
const enc = new TextEncoder();
const SVWT = Buffer.alloc(32, 0x5a);

function down(body: string): BoardEvent {
  const t = enc.encode(`devices/${DEVICE_ID}/down`), b = enc.encode(body);
  const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p };
}

/** A LAN session opened shortly before `when`, so that the request itself comes at `when`. */
async function lanSessionFor(d: Driver, p: Phone, when: number): Promise<PrinterSession> {
  d.at(when - 100);
  const s = new PrinterSession(p.key, new DriverPort(d, LinkId.LAN), LAN_LABEL);
  await s.open();
  d.at(when);
  return s;
}

/** OK, or the printer's refusal code. */
async function outcome(call: () => Promise<number>): Promise<number> {
  try { return await call(); } catch (e) { if (e instanceof PrinterRefused) return e.status; throw e; }
}

type Judge = (d: Driver, offset: number) => Promise<string>;

const tokens: Record<string, Judge> = {
  // The PWT read after a rotation is good for one hour from it: a PT request with it.
  async PWT(d, offset) {
    const p = await onRouter(d);
    const rotated = d.now;                       // the PT request used the PWT up: a new one from now
    const pwt = (await tap(d)).pwt!;
    const s = await lanSessionFor(d, p, rotated + HOUR + offset);
    return String(await outcome(async () => (await s.requestPt(pwt)).status));
  },
  // The PT is dropped after 30 minutes without a successful use.
  async PT(d, offset) {
    const p = await onRouter(d);
    const issued = d.now;
    const s = await lanSessionFor(d, p, issued + 30 * MINUTE + offset);
    return String(await outcome(async () => (await s.status(p.pt!)).status));
  },
  // The SVWT a tap hands out lives 24 hours from its arrival.
  async SVWT(d, offset) {
    await connected(d);
    await d.step(down(`{"cmd":1,"st":"${Buffer.alloc(32, 1).toString("base64")}"}`), "ST");
    await d.step(down(`{"cmd":2,"svwt":"${SVWT.toString("base64")}"}`), "SVWT");
    const arrived = d.now;
    // A tap two seconds before the end: its answer (with a fresh PWT, the hourly one being
    // long due) is kept for the next taps while nothing in it changes.
    d.at(arrived + 24 * HOUR - 2000);
    const first = await tap(d);
    assert.ok(first.svwt?.equals(SVWT), "the tap hands out the SVWT");
    d.at(arrived + 24 * HOUR + offset);
    const a = await tap(d);
    return a.svwt ? (a.svwt.equals(SVWT) ? "svwt" : "another") : "none";
  },
  // A CWT handed over (and presented to the cloud) blocks another charge until its 24
  // hours are up, unanswered; then it is gone and a new CHARGE is taken.
  async CWT(d, offset) {
    const p = await connected(d);
    await d.step(down(`{"cmd":1,"st":"${Buffer.alloc(32, 1).toString("base64")}"}`), "ST");
    const rc = await p.lan!.charge(p.pt!, Buffer.alloc(32, 0x33));
    assert.equal(rc, 0, "the first CHARGE is taken");
    const handed = d.now;
    // A fresh PT (the first idled out long ago), with the PWT a tap gives.
    d.at(handed + 24 * HOUR + offset - 300);
    const pwt = (await tap(d)).pwt!;
    const s = new PrinterSession(p.key, new DriverPort(d, LinkId.LAN), LAN_LABEL);
    await s.open();
    const pt = (await s.requestPt(pwt)).pt!;
    d.at(handed + 24 * HOUR + offset);
    return String(await outcome(() => s.charge(pt, Buffer.alloc(32, 0x44))));
  },
};

/** What each judge says at T - 1 s, T and T + 1 s. */
const EXPECTED: Record<string, [string, string, string]> = {
  PWT: ["0", "-3", "-3"],          // E_STATE: no valid PWT once its rotation is due
  PT: ["0", "-5", "-5"],           // E_NOTFOUND: dropped
  SVWT: ["svwt", "none", "none"],
  CWT: ["-3", "0", "0"],           // E_STATE while the CWT is pending; taken once it is gone
};

async function judgeAll(host: HostName): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, judge] of Object.entries(tokens)) {
    out[name] = [];
    for (const offset of [-1000, 0, 1000]) {
      const d = new Driver(host, "printer", 5000);
      try {
        await d.powerOn();
        out[name].push(await judge(d, offset));
      } finally {
        await d.close();
      }
    }
  }
  return out;
}

for (const host of ["ts", ...nativeEngines()] as HostName[]) {
  test(`printer (${host}): each token at T - 1 s, T and T + 1 s of its lifetime`, async () => {
    assert.deepEqual(await judgeAll(host), EXPECTED);
  });
}
