// Installation over the service port (PROTOCOL.md §2): the installer's tool sends INSTALL
// with the meter code (written once, contract-table) and the head-end's registration
// (device id and password, a secret: never logged, never shown).
import * as board from "../../board/index";
import { OK, E_INVAL, E_STATE } from "../../core/errors";
import { FieldReader } from "../../core/codecs/fields";
import { wipe } from "../../core/codecs/bytes";
import { parseRequest, reply } from "../../modules/service-port/index";
import { validDeviceId } from "../../modules/cloud-link/index";
import { METER_CODE_MAX } from "../../modules/contract-table/index";

export const OP_INSTALL: u8 = 0x20;
const MAX_DEVICE_ID: i32 = 64;
const MIN_PASSWORD: i32 = 16, MAX_PASSWORD: i32 = 64;

/** What INSTALL carries. */
export class Install {
  constructor(public meterCode: Uint8Array, public deviceId: string, public password: Uint8Array) {}
}

/** The request's fields, or null for a malformed one (-1). */
export function parseInstall(frame: Uint8Array): Install | null {
  const req = parseRequest(frame);
  if (req === null) return null;
  const d = req.data;
  const r = new FieldReader(d, 0);
  const n = r.i < d.length ? <i32>d[r.i++] : -1;
  const code = r.bytes(n < 1 || n > METER_CODE_MAX ? -1 : n);
  const id = r.str(MAX_DEVICE_ID);
  const m = r.i < d.length ? <i32>d[r.i++] : -1;
  const password = r.bytes(m < MIN_PASSWORD || m > MAX_PASSWORD ? -1 : m);
  wipe(d);
  if (!r.done || !validDeviceId(id)) { wipe(password); return null; }
  return new Install(code, id, password);
}

/** INSTALL's answer: OK, E_STATE (-3) another meter code (or registration) is held,
 *  E_INVAL (-1) malformed, or a store error. */
export function answerInstall(rc: i32): i32 {
  if (rc != OK && rc != E_STATE && rc != E_INVAL) board.compose().add("installation not stored: ").num(rc).error();
  return reply(OP_INSTALL, rc, new Uint8Array(0));
}

export function isInstall(frame: Uint8Array): bool { return frame.length > 0 && frame[0] == OP_INSTALL; }
