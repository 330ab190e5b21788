// INSTALL on the service port (PROTOCOL.md §4): the cloud registration and the maker key,
// once. The parser is bounded: a field that runs past the frame, a device id the cloud
// link refuses or a key that is not an uncompressed P-256 point's 65 bytes is a malformed
// request (-1), and nothing is stored.
import { FieldReader } from "../../core/codecs/fields";
import { wipe } from "../../core/codecs/bytes";
import { parseRequest } from "../../modules/service-port/index";
import { validDeviceId } from "../../modules/cloud-link/index";

export const OP_INSTALL: u8 = 0x30;
const MAX_DEVICE_ID: i32 = 64;
const MIN_PASSWORD: i32 = 16, MAX_PASSWORD: i32 = 64;
export const MAKER_KEY_BYTES: i32 = 65;

export class Install {
  deviceId: string = "";
  password: Uint8Array = new Uint8Array(0);
  makerKey: Uint8Array = new Uint8Array(0);
  /** The password must not stay in RAM once stored. */
  wipe(): void { wipe(this.password); }
}

/** INSTALL's fields, or null for a malformed request. */
export function parseInstall(frame: Uint8Array): Install | null {
  const req = parseRequest(frame);
  if (req === null) return null;
  const d = req.data;
  const r = new FieldReader(d, 0);
  const out = new Install();
  out.deviceId = r.str(MAX_DEVICE_ID);
  const m = r.i < d.length ? <i32>d[r.i++] : -1;
  out.password = r.bytes(m < MIN_PASSWORD || m > MAX_PASSWORD ? -1 : m);
  out.makerKey = r.bytes(MAKER_KEY_BYTES);
  wipe(d);
  if (!r.done || !validDeviceId(out.deviceId) || out.makerKey[0] != 0x04) { out.wipe(); return null; }
  return out;
}
