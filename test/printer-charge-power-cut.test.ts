// A charge is applied exactly once whatever the power does: the printer, registered and
// online, gets a charge command; power fails at every flash operation of that event (and
// part-way through each write); the printer boots again, rejoins, and the cloud's resends
// arrive as it makes them (the same command again after the hello, then the same charge
// under a new command number, then a duplicate). Afterwards the balance is exactly one
// charge higher, on every engine. The counts go in the closing figures: cuts, charge
// commands delivered, charges applied.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Driver } from "../scripts/fuzz/driver.ts";
import { connected } from "../scripts/fuzz/printer.ts";
import { powerOn, type HostName } from "../host-sim/device/power-on.ts";
import { EventKind, type BoardEvent, type CallResult, type DeviceHandle } from "../host-sim/device/types.ts";
import { nativeEngines } from "./support/engines.ts";

const DEVICE_ID = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";
const PAGES = 100;
const enc = new TextEncoder();

function down(body: string): BoardEvent {
  const t = enc.encode(`devices/${DEVICE_ID}/down`), b = enc.encode(body);
  const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p };
}
const charge = (cmd: number) => down(`{"cmd":${cmd},"charge":7,"pages":${PAGES},"kind":2,"cwt":"${Buffer.alloc(32, 3).toString("base64")}"}`);

/** The last page count the printer published in up/state. */
function pagesSaid(r: CallResult, before: number | null): number | null {
  let n = before;
  for (const o of r.outputs) {
    if (o.t !== "mqtt_publish" || !o.topic.endsWith("/up/state")) continue;
    n = JSON.parse(Buffer.from(o.payload).toString()).pages as number;
  }
  return n;
}

async function sweep(host: HostName) {
  const dir = mkdtempSync(join(tmpdir(), "printer-cut-"));
  try {
    // The printer set up, registered and online, with its server token: saved as a flash file.
    const d = new Driver(host, "printer", 5000);
    await d.powerOn();
    await connected(d);
    await d.step(down(`{"cmd":1,"st":"${Buffer.alloc(32, 1).toString("base64")}"}`), "ST");
    const base = join(dir, "base.flash");
    copyFileSync(d.flashFile, base);
    copyFileSync(`${d.flashFile}.efuse`, `${base}.efuse`);
    await d.close();

    let t = 1_000_000;
    const time = () => ({ nowMs: (t += 10), wallMs: -1 });
    /** Boots a copy of the saved printer, back online (router, broker), with a cut armed. */
    const online = async (file: string, cutAt?: number, cutKeep?: number) => {
      const dev = await powerOn(host, { image: "printer", flashFile: file, seed: 9, cutAt, cutKeep });
      let pages: number | null = null;
      for (const step of [() => dev.boot(time()), () => dev.event(time(), { kind: EventKind.WIFI, arg: 1 }), () => dev.event(time(), { kind: EventKind.MQTT_STATE, arg: 1 })]) {
        const r = await step();
        if (r.result === null) return { dev, pages, down: true };
        pages = pagesSaid(r, pages);
      }
      return { dev, pages, down: false };
    };

    // The uncut run: how many flash operations boot, rejoin and the charge take.
    const ref = join(dir, "ref.flash");
    copyFileSync(base, ref); copyFileSync(`${base}.efuse`, `${ref}.efuse`);
    const r0 = await online(ref);
    const before = r0.pages!;
    const opsOnline = (await r0.dev.flashStats()).ops;
    const rc = await r0.dev.event(time(), charge(2));
    const ops = (await r0.dev.flashStats()).ops - opsOnline;
    const after = pagesSaid(rc, before);
    await r0.dev.close();
    assert.equal(after, before + PAGES, "the uncut charge adds its pages");

    let cuts = 0, delivered = 0, failures: string[] = [];
    for (let k = 1; k <= ops; k++) {
      for (const keep of [0, 16]) {
        const f = join(dir, `cut-${k}-${keep}.flash`);
        copyFileSync(base, f); copyFileSync(`${base}.efuse`, `${f}.efuse`);
        const a = await online(f, opsOnline + k, keep);
        assert.ok(!a.down, "the cut falls in the charge, not before");
        const cut: DeviceHandle = a.dev;
        const r = await cut.event(time(), charge(2));
        delivered++;
        await cut.close();
        if (r.result !== null) continue;          // the op finished before the cut point (a short write)
        cuts++;
        // Power back: the cloud resends the same command after the hello, the same charge
        // under a new number (its answer to E_STATE), and a duplicate of that.
        const b = await online(f);
        let pages = b.pages;
        for (const ev of [charge(2), charge(3), charge(3)]) {
          const x = await b.dev.event(time(), ev);
          delivered++;
          if (x.result === null) failures.push(`cut ${k}/${keep}: the board went down on a resend`);
          pages = pagesSaid(x, pages);
        }
        await b.dev.close();
        if (pages !== before + PAGES) failures.push(`cut at charge op ${k} keeping ${keep}: ${pages} pages, want ${before + PAGES}`);
        rmSync(f, { force: true });
      }
    }
    return { ops, cuts, delivered, failures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const host of ["ts", ...nativeEngines()] as HostName[]) {
  test(`printer (${host}): a charge with power cut at every flash operation of it is applied exactly once`, async () => {
    const r = await sweep(host);
    console.log(`printer charge power-cut sweep (${host}): ${r.ops} flash operations in the charge, ${r.cuts} cut runs, ${r.delivered} charge commands delivered, applied once each time: ${r.failures.length === 0}`);
    assert.ok(r.ops >= 5, `the charge writes flash (${r.ops} operations)`);
    assert.ok(r.cuts >= r.ops, "every operation was cut at least once");
    assert.deepEqual(r.failures.slice(0, 10), []);
  });
}
