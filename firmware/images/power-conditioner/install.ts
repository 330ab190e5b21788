// The service port's two operations of the power conditioner (PROTOCOL.md §5): the
// factory's MAINTENANCE (the operator, its key and the maintenance credential's salted
// verifier, once) and the partner installer's INSTALL (the cloud registration and the
// unique information, once, in one transaction). Parsers are bounded: a field that runs
// past the frame or a value unique-info refuses is a malformed request (-1), nothing stored.
import { OK } from "../../core/errors";
import { FieldReader } from "../../core/codecs/fields";
import { getU32LE, slice, wipe } from "../../core/codecs/bytes";
import { parseRequest } from "../../modules/service-port/index";
import { validDeviceId } from "../../modules/cloud-link/index";
import { Item, UniqueInfo } from "../../modules/unique-info/index";

export const OP_INSTALL: u8 = 0x20;
export const OP_MAINTENANCE: u8 = 0x21;
const MAX_DEVICE_ID: i32 = 64;
const MIN_PASSWORD: i32 = 16, MAX_PASSWORD: i32 = 64;
const CAPACITIES_BYTES: i32 = 12;
const CONNECTION_BYTES: i32 = 4 + 65 + 32;
const KEY_BYTES: i32 = 65, SALT_BYTES: i32 = 16, VERIFIER_BYTES: i32 = 32;

/** What INSTALL carries: the registration, and the four items' values as §1 stores them. */
export class Install {
  deviceId: string = "";
  password: Uint8Array = new Uint8Array(0);
  values: Uint8Array[] = [];
  /** Wipes what must not stay in RAM (the password, the device key in CONNECTION). */
  wipe(): void {
    wipe(this.password);
    for (let i = 0; i < this.values.length; i++) wipe(this.values[i]);
  }
}

/** The items INSTALL carries, in its order. */
export const INSTALLED: i32[] = [Item.PERSONAL, Item.SITE, Item.CAPACITIES, Item.CONNECTION];

/** The request's fields, or null for a malformed one. */
export function parseInstall(frame: Uint8Array, unique: UniqueInfo): Install | null {
  const req = parseRequest(frame);
  if (req === null) return null;
  const d = req.data;
  const r = new FieldReader(d, 0);
  const out = new Install();
  out.deviceId = r.str(MAX_DEVICE_ID);
  const m = r.i < d.length ? <i32>d[r.i++] : -1;
  out.password = r.bytes(m < MIN_PASSWORD || m > MAX_PASSWORD ? -1 : m);
  // PERSONAL: two length-prefixed texts.
  const p0 = r.i;
  r.str(64);
  r.str(128);
  out.values.push(r.bad ? new Uint8Array(0) : slice(d, p0, r.i - p0));
  const s0 = r.i;
  r.str(20);
  out.values.push(r.bad ? new Uint8Array(0) : slice(d, s0, r.i - s0));
  out.values.push(r.bytes(CAPACITIES_BYTES));
  out.values.push(r.bytes(CONNECTION_BYTES));
  wipe(d);
  let ok = r.done && validDeviceId(out.deviceId);
  for (let i = 0; ok && i < INSTALLED.length; i++) ok = unique.validate(INSTALLED[i], out.values[i]) == OK;
  if (!ok) { out.wipe(); return null; }
  return out;
}

/** MAINTENANCE's fields. */
export class Maintenance {
  constructor(public operator: u32, public key: Uint8Array, public salt: Uint8Array, public verifier: Uint8Array) {}
}

export function parseMaintenance(frame: Uint8Array): Maintenance | null {
  const req = parseRequest(frame);
  if (req === null) return null;
  const d = req.data;
  if (d.length != 4 + KEY_BYTES + SALT_BYTES + VERIFIER_BYTES) return null;
  const op = getU32LE(d, 0);
  if (op == 0) return null;
  return new Maintenance(op, slice(d, 4, KEY_BYTES), slice(d, 4 + KEY_BYTES, SALT_BYTES), slice(d, 4 + KEY_BYTES + SALT_BYTES, VERIFIER_BYTES));
}
