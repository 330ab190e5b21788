// Cuts power at every flash operation of a sequence of operations (and part-way through
// each), reboots, and checks what a user relies on: every record holds its old or its new
// value, nothing acknowledged is lost, no byte sequence of an erased secret remains, and
// none of a live one either (secrets are sealed at rest).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TsDevice } from "../board/ts-device.ts";
import { PosixDevice } from "../device/posix-device.ts";
import { wasmImagePath } from "../device/power-on.ts";
import type { BoardEvent, DeviceHandle, HostName, PowerOnOptions } from "../device/types.ts";
import { readRecords, findBytes } from "../flash/record-store-image.ts";

export interface SweepOp {
  label: string;
  event: BoardEvent;
  /** The op's result in the uncut run. */
  status: number;
  writes?: string;
  erases?: string[];
  atomic?: boolean;
  interim?: Record<number, string>;
}

export interface SweepOptions {
  image: string;
  ops: SweepOp[];
  pages?: number;
  /** Only every n-th cut point (1 = all). */
  stride?: number;
  /** The host of the cut runs and reboots (default ts). The reference run, which numbers
   *  the flash operations, runs on the TypeScript host: both run the same image. */
  host?: HostName;
}

export interface SweepReport {
  cutPoints: number;
  /** Page erases in the uncut run: how often collection ran. */
  erases: number;
  runs: number;
  failures: string[];
}

type Snapshot = Map<number, Uint8Array>;
const TIME = { nowMs: 0, wallMs: -1 };
const enc = new TextEncoder();
const hex = (b?: Uint8Array) => (b ? Buffer.from(b).toString("hex") : "absent");
const same = (a?: Uint8Array, b?: Uint8Array) => (a === undefined || b === undefined ? a === b : Buffer.from(a).equals(Buffer.from(b)));
const sameSnapshot = (a: Snapshot, b: Snapshot) => [...new Set([...a.keys(), ...b.keys()])].every((k) => same(a.get(k), b.get(k)));

/** Every 6-byte window of a secret: finding any of them in flash counts as a leak. */
function leaks(image: Uint8Array, secret: string): number {
  const s = enc.encode(secret);
  let n = 0;
  for (let i = 0; i + 6 <= s.length; i++) n += findBytes(image, s.subarray(i, i + 6)).length;
  return n;
}

export async function powerCutSweep(o: SweepOptions): Promise<SweepReport> {
  const dir = mkdtempSync(join(tmpdir(), "sweep-"));
  const image = wasmImagePath(o.image);
  const failures: string[] = [];
  try {
    // Reference run: the state after boot and after each acknowledged op.
    const ref = join(dir, "ref.flash");
    const dev = await TsDevice.create({ image, flashFile: ref, pages: o.pages });
    await dev.boot(TIME);
    const states: Snapshot[] = [readRecords(readFileSync(ref))];
    for (const op of o.ops) {
      const r = await dev.event(TIME, op.event);
      if (r.result !== op.status) throw new Error(`reference run: "${op.label}" returned ${r.result}, expected ${op.status}`);
      states.push(readRecords(readFileSync(ref)));
    }
    const sizes = dev.flashOpSizes();
    const erases = (await dev.flashStats()).erasesPerPage.reduce((a, b) => a + b, 0);
    await dev.close();

    const powerOn = (opts: PowerOnOptions): Promise<DeviceHandle> =>
      o.host && o.host !== "ts" ? PosixDevice.create({ ...opts, image: o.image }, {}, o.host) : TsDevice.create(opts);
    let runs = 0;
    const stride = o.stride ?? 1;
    for (let cut = 1; cut <= sizes.length; cut += stride) {
      const keeps = sizes[cut - 1] > 1 ? [0, sizes[cut - 1] >> 1] : [0];
      for (const keep of keeps) {
        runs++;
        const where = `cut at flash op ${cut} keeping ${keep} bytes`;
        const f = join(dir, `cut-${cut}-${keep}.flash`);
        const d = await powerOn({ image, flashFile: f, pages: o.pages, cutAt: cut, cutKeep: keep });
        // i = index of the op the cut falls in (-1 = during boot).
        let i = -1;
        const b = await d.boot(TIME);
        if (b.result !== null) {
          for (i = 0; i < o.ops.length; i++) {
            const r = await d.event(TIME, o.ops[i].event);
            if (r.result === null) break;
          }
        }
        await d.close();
        const again = await powerOn({ image, flashFile: f, pages: o.pages });
        const rb = await again.boot(TIME);
        await again.close();
        if (rb.result !== 0) { failures.push(`${where}: reboot returned ${rb.result}`); continue; }
        const flash = readFileSync(f);
        const after = readRecords(flash);
        const before = states[Math.max(i, 0)];
        const next = states[Math.min(i + 1, states.length - 1)];
        const label = i >= 0 && i < o.ops.length ? o.ops[i].label : "boot";
        const interim = (i >= 0 && i < o.ops.length ? o.ops[i].interim : undefined) ?? {};
        for (const k of new Set([...before.keys(), ...next.keys(), ...after.keys()])) {
          if (interim[k] !== undefined && hex(after.get(k)) === interim[k]) continue;
          if (!same(after.get(k), before.get(k)) && !same(after.get(k), next.get(k))) {
            failures.push(`${where} (during "${label}"): record ${k.toString(16)} = ${hex(after.get(k))}, neither old ${hex(before.get(k))} nor new ${hex(next.get(k))}`);
          }
        }
        const completed = sameSnapshot(after, next);
        if (i >= 0 && i < o.ops.length && o.ops[i].atomic && !completed && !sameSnapshot(after, before)) {
          failures.push(`${where} (during "${label}"): a partial result of an all-or-nothing operation`);
        }
        // Secrets that must be gone: erased by acknowledged ops, by the cut op if it
        // completed, and a secret the cut op was writing if it did not.
        const gone: string[] = [];
        for (let j = 0; j < Math.min(i, o.ops.length); j++) gone.push(...(o.ops[j].erases ?? []));
        if (i >= 0 && i < o.ops.length) {
          if (completed) gone.push(...(o.ops[i].erases ?? []));
          else if (o.ops[i].writes) gone.push(o.ops[i].writes!);
        }
        // A secret erased earlier but written again later is live, not gone.
        const live = new Set<string>();
        for (let j = 0; j <= Math.min(i, o.ops.length - 1); j++) {
          const w = o.ops[j].writes;
          if (w && (j < i || completed)) live.add(w);
          for (const e of o.ops[j].erases ?? []) if (j < i || completed) live.delete(e);
        }
        for (const s of new Set(gone)) {
          if (live.has(s)) continue;
          const n = leaks(flash, s);
          if (n > 0) failures.push(`${where} (during "${label}"): ${n} fragments of an erased secret remain in flash`);
        }
        // Secrets are sealed at rest: a live one is not in clear either, at any cut point.
        for (const s of live) {
          const n = leaks(flash, s);
          if (n > 0) failures.push(`${where} (during "${label}"): ${n} fragments of a live secret in clear`);
        }
      }
    }
    return { cutPoints: sizes.length, erases, runs, failures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
