// Mutations of valid inputs. Random bytes mostly die at the first length check; a valid
// frame changed in one or a few places reaches the parsers behind it.
import type { Rng } from "./random.ts";
import { EventKind } from "../../host-sim/device/types.ts";

const MQTT_MESSAGE = EventKind.MQTT_MESSAGE;

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x20, 0x40, 0x41];

type Mutator = (r: Rng, b: Uint8Array) => Uint8Array;

const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

const MUTATORS: Mutator[] = [
  // flip one bit
  (r, b) => { if (!b.length) return b; const c = b.slice(); c[r.below(c.length)] ^= 1 << r.below(8); return c; },
  // one byte to an edge value
  (r, b) => { if (!b.length) return b; const c = b.slice(); c[r.below(c.length)] = r.pick(INTERESTING); return c; },
  // one byte to anything
  (r, b) => { if (!b.length) return b; const c = b.slice(); c[r.below(c.length)] = r.below(256); return c; },
  // cut the end off
  (r, b) => b.slice(0, r.below(b.length + 1)),
  // drop a run from the middle
  (r, b) => { const i = r.below(b.length + 1), n = 1 + r.below(8); return cat(b.subarray(0, i), b.subarray(i + n)); },
  // insert bytes
  (r, b) => { const i = r.below(b.length + 1); return cat(b.subarray(0, i), r.bytes(1 + r.below(8)), b.subarray(i)); },
  // append bytes
  (r, b) => cat(b, r.bytes(1 + r.below(32))),
  // repeat a run (lengths that no longer add up)
  (r, b) => { const i = r.below(b.length + 1), n = r.below(16); return cat(b.subarray(0, i + n), b.subarray(i, i + n), b.subarray(i + n)); },
  // a 16- or 32-bit big-endian field set to an edge value
  (r, b) => {
    if (b.length < 2) return b;
    const c = b.slice(), i = r.below(c.length - 1), v = r.pick([0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, c.length, c.length - 5, c.length + 1]);
    c[i] = (v >> 8) & 0xff; c[i + 1] = v & 0xff;
    return c;
  },
];

/** `valid` changed by 1..4 mutations. */
export function mutate(r: Rng, valid: Uint8Array): Uint8Array {
  // A plain copy: Buffer's slice() is a view, and the valid input must stay valid.
  let b = new Uint8Array(valid);
  for (let n = 1 + r.below(4); n > 0; n--) b = r.pick(MUTATORS)(r, b);
  return b;
}

/** Text inputs (JSON, topics) are mutated as text half of the time: tokens swapped for
 *  others a JSON reader must handle, then as bytes. */
export function mutateText(r: Rng, valid: string): Uint8Array {
  if (r.chance(0.5)) return mutate(r, new TextEncoder().encode(valid));
  const tokens = ['"', "{", "}", ":", ",", "-", "1e9", "99999999999999999999", "-1", "0", "null", "true", "[]", "\\u0000", "\\", " ", "\"cmd\"", "\"value\"", "\"set\""];
  let s = valid;
  for (let n = 1 + r.below(3); n > 0; n--) {
    const i = r.below(s.length + 1), cut = r.below(4);
    s = s.slice(0, i) + r.pick(tokens) + s.slice(i + cut);
  }
  return new TextEncoder().encode(s);
}

/** A service-port frame (op u8 | id u16 | length u16 | data) of random content. Half of
 *  them have a length field that matches the frame, so they get past the framing to the
 *  op handlers; the other half do not. */
export function serviceFrame(r: Rng, ops: readonly number[]): Uint8Array {
  const data = r.bytes(r.below(40));
  const f = cat(Uint8Array.of(r.chance(0.8) ? r.pick(ops) : r.below(256), r.below(256), r.below(256), 0, 0), data);
  const len = r.chance(0.5) ? data.length : (data.length + 1 + r.below(0xffff)) & 0xffff;
  f[3] = len >> 8; f[4] = len & 0xff;
  return f;
}

/** An MQTT_MESSAGE event from a message the cloud could send on `topic`: mostly the right
 *  topic, the message mostly damaged, the topic length sometimes wrong. */
export function mqttMessage(r: Rng, topic: string, valid: string): { kind: number; arg: number; payload: Uint8Array } {
  const enc = new TextEncoder();
  const t = r.chance(0.85) ? enc.encode(topic) : mutateText(r, topic);
  const m = r.chance(0.1) ? enc.encode(valid) : mutateText(r, valid);
  const payload = cat(t, m);
  const arg = r.chance(0.9) ? t.length : r.chance(0.5) ? r.below(payload.length + 2) : r.int();
  return { kind: MQTT_MESSAGE, arg, payload };
}
