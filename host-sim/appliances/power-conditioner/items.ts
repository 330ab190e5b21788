// The unique information's values (firmware/images/power-conditioner/PROTOCOL.md §1): the
// same bytes in INSTALL, a BLE CHANGE and flash. Encoders check the protocol's bounds so
// that a host never sends what the PCS must refuse, unless a test builds it by hand.
import { ITEM_NAMES, Item, type ItemName } from "./cloud/types.ts";

export { Item, ITEM_NAMES, ALL_ITEMS, type ItemName } from "./cloud/types.ts";

export function itemNamed(word: string): number {
  const i = ITEM_NAMES.indexOf(word as ItemName);
  if (i < 0) throw new Error(`no item "${word}"; items: ${ITEM_NAMES.join(" ")}`);
  return i;
}

export interface Personal { name: string; address: string }
export interface Capacities { pvW: number; batteryWh: number; evWh: number }
export interface Connection { partner: number; publicKey: Uint8Array; deviceKey?: Uint8Array }
export interface HistoryDay { day: number; pvWh: number; chargeWh: number; dischargeWh: number }

const utf8 = (s: string) => Buffer.from(s, "utf8");
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };

function lenPrefixed(text: string, max: number, what: string): Buffer {
  const b = utf8(text);
  if (b.length < 1 || b.length > max) throw new RangeError(`${what} is 1..${max} bytes of UTF-8`);
  return Buffer.concat([Buffer.of(b.length), b]);
}

export function encodePersonal(p: Personal): Buffer {
  return Buffer.concat([lenPrefixed(p.name, 64, "a name"), lenPrefixed(p.address, 128, "an address")]);
}

export function decodePersonal(b: Uint8Array): Personal | null {
  const x = Buffer.from(b);
  const n = x[0];
  if (x.length < 2 || n < 1 || x.length < 2 + n) return null;
  const a = x[1 + n];
  if (a < 1 || x.length !== 2 + n + a) return null;
  return { name: x.subarray(1, 1 + n).toString("utf8"), address: x.subarray(2 + n).toString("utf8") };
}

export const SITE_PATTERN = /^[0-9A-Z-]{1,20}$/;

export function encodeSite(site: string): Buffer {
  if (!SITE_PATTERN.test(site)) throw new RangeError("a generation-site id is 1..20 of 0-9 A-Z -");
  return Buffer.concat([Buffer.of(site.length), Buffer.from(site, "ascii")]);
}

export function decodeSite(b: Uint8Array): string | null {
  const s = Buffer.from(b.subarray(1)).toString("latin1");
  return b.length >= 2 && b[0] === b.length - 1 && SITE_PATTERN.test(s) ? s : null;
}

export function encodeCapacities(c: Capacities): Buffer {
  for (const v of [c.pvW, c.batteryWh, c.evWh]) if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError("a capacity is a u32");
  return Buffer.concat([u32(c.pvW), u32(c.batteryWh), u32(c.evWh)]);
}

export function decodeCapacities(b: Uint8Array): Capacities | null {
  if (b.length !== 12) return null;
  const x = Buffer.from(b);
  return { pvW: x.readUInt32LE(0), batteryWh: x.readUInt32LE(4), evWh: x.readUInt32LE(8) };
}

/** CONNECTION in full (INSTALL, a BLE CHANGE): partner code, its public key, the device
 *  key the partner issued. */
export function encodeConnection(c: Connection): Buffer {
  if (c.partner === 0 || !Number.isInteger(c.partner) || c.partner > 0xffffffff) throw new RangeError("a partner code is a u32 ≠ 0");
  if (c.publicKey.length !== 65 || c.publicKey[0] !== 4) throw new RangeError("a partner public key is 65 bytes, 0x04 ‖ X ‖ Y");
  if (c.deviceKey?.length !== 32) throw new RangeError("a device key is 32 bytes");
  return Buffer.concat([u32(c.partner), Buffer.from(c.publicKey), Buffer.from(c.deviceKey)]);
}

/** CONNECTION as READ answers it (partner code and public key only), or in full. */
export function decodeConnection(b: Uint8Array): Connection | null {
  if (b.length !== 69 && b.length !== 101) return null;
  const x = Buffer.from(b);
  return { partner: x.readUInt32LE(0), publicKey: x.subarray(4, 69), ...(b.length === 101 ? { deviceKey: x.subarray(69) } : {}) };
}

export function decodeHistory(b: Uint8Array): HistoryDay[] | null {
  const x = Buffer.from(b);
  if (x.length < 1 || x[0] > 31 || x.length !== 1 + 16 * x[0]) return null;
  return Array.from({ length: x[0] }, (_, i) => {
    const at = 1 + 16 * i;
    return { day: x.readUInt32LE(at), pvWh: x.readUInt32LE(at + 4), chargeWh: x.readUInt32LE(at + 8), dischargeWh: x.readUInt32LE(at + 12) };
  });
}

/** An item's value as a person reads it (the phone app's screen, the console). */
export function showItem(item: number, value: Uint8Array): string {
  switch (item) {
    case Item.PERSONAL: { const p = decodePersonal(value); return p ? `${p.name}, ${p.address}` : "(unreadable)"; }
    case Item.HISTORY: { const h = decodeHistory(value); return h ? `${h.length} day(s)${h.length ? `, last: PV ${h.at(-1)!.pvWh} Wh, charge ${h.at(-1)!.chargeWh} Wh, discharge ${h.at(-1)!.dischargeWh} Wh` : ""}` : "(unreadable)"; }
    case Item.SITE: return decodeSite(value) ?? "(unreadable)";
    case Item.CAPACITIES: { const c = decodeCapacities(value); return c ? `PV ${c.pvW} W, battery ${c.batteryWh} Wh, EV ${c.evWh} Wh` : "(unreadable)"; }
    case Item.CONNECTION: { const c = decodeConnection(value); return c ? `partner ${c.partner.toString(16).toUpperCase()}` : "(unreadable)"; }
    default: return `(item ${item})`;
  }
}
