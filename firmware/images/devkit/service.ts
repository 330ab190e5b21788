// The devkit's service-port protocol (link 0, the wired test port): a bring-up and
// hardware-in-the-loop interface to the credential store. Wire format: WIRE.md.
import * as board from "../../board/index";
import { getU16BE, putU16BE, putU32BE, slice, wipe } from "../../core/codecs/bytes";
import { parseRequest, reply } from "../../modules/service-port/index";
import { OK, E_INVAL, E_MALFORMED } from "../../core/errors";
import { CredentialStore } from "../../modules/credential-store/index";
import { USER_KEYS } from "./keys";

export namespace Op {
  export const PROVISION: u8 = 0x01;
  export const PUT: u8 = 0x02;
  export const GET: u8 = 0x03;
  export const ERASE: u8 = 0x04;
  export const SET_REGISTRATION: u8 = 0x05;
  export const VERIFY: u8 = 0x06;
  export const INITIALIZE: u8 = 0x07;
  export const FACTORY_RESET: u8 = 0x08;
  export const COUNT_ATTEMPT: u8 = 0x09;
  export const LIST: u8 = 0x0a;
  export const TRANSACTION: u8 = 0x0d;
}

export const VERIFY_LIMIT: i32 = 5;

/** Handles one request frame; always answers with exactly one response frame. */
export function handleServiceFrame(store: CredentialStore, frame: Uint8Array): i32 {
  const req = parseRequest(frame);
  if (req === null) return reply(frame.length > 0 ? frame[0] : 0, E_MALFORMED, new Uint8Array(0));
  const op = req.op, id = req.id, data = req.data;
  let rc = OK;
  let out = new Uint8Array(0);
  if (op == Op.PROVISION) {
    rc = store.provisionFactory(board.text(data));
  } else if (op == Op.PUT) {
    // Over the service port only user records may be written; the rest have their own ops.
    if (!USER_KEYS.contains(id) || data.length < 2) rc = data.length < 2 ? E_MALFORMED : E_INVAL;
    else rc = store.put(id, data[0], data[1], slice(data, 2, data.length - 2));
  } else if (op == Op.GET) {
    const c = store.get(id);
    if (c === null) rc = store.lastError;
    else {
      // A secret is never read back: the answer says only that it exists (its type and attributes).
      const n = c.secret ? 0 : c.value.length;
      out = new Uint8Array(2 + n);
      out[0] = c.type;
      out[1] = c.attrs;
      if (!c.secret) out.set(c.value, 2);
      wipe(c.value);
    }
  } else if (op == Op.ERASE) {
    rc = USER_KEYS.contains(id) ? store.erase(id) : E_INVAL;
  } else if (op == Op.SET_REGISTRATION) {
    if (data.length < 1 || 1 + <i32>data[0] > data.length) rc = E_MALFORMED;
    else rc = store.setRegistration(board.text(slice(data, 1, data[0])), slice(data, 1 + data[0], data.length - 1 - data[0]));
  } else if (op == Op.VERIFY) {
    rc = store.verifyRegistrationPassword(data, VERIFY_LIMIT);
  } else if (op == Op.INITIALIZE) {
    rc = store.initialize();
  } else if (op == Op.FACTORY_RESET) {
    rc = store.factoryReset();
  } else if (op == Op.COUNT_ATTEMPT) {
    if (!USER_KEYS.contains(id)) rc = E_INVAL;
    else {
      rc = store.countAttempt(id);
      if (rc >= 0) { out = new Uint8Array(4); putU32BE(out, 0, <u32>rc); rc = OK; }
    }
  } else if (op == Op.TRANSACTION) {
    rc = transaction(store, data);
  } else if (op == Op.LIST) {
    const keys = store.records.keys();
    keys.sort((a: u32, b: u32): i32 => <i32>a - <i32>b);
    out = new Uint8Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) putU16BE(out, i * 2, keys[i]);
  } else {
    rc = E_INVAL;
  }
  wipe(data);
  return reply(op, rc, out);
}


/** Applies a TRANSACTION request's changes all-or-nothing (WIRE.md): entries of
 *  id u16 | type u8 (0 = erase) | attributes u8 | length u16 | value, user records only. */
function transaction(store: CredentialStore, data: Uint8Array): i32 {
  const t = store.begin();
  let at = 0;
  while (at < data.length) {
    if (at + 6 > data.length) { t.discard(); return E_MALFORMED; }
    const id = <u32>getU16BE(data, at), type = data[at + 2], attrs = data[at + 3];
    const len = <i32>getU16BE(data, at + 4);
    at += 6;
    if (at + len > data.length) { t.discard(); return E_MALFORMED; }
    if (!USER_KEYS.contains(id)) { t.discard(); return E_INVAL; }
    if (type == 0) {
      if (len != 0) { t.discard(); return E_MALFORMED; }
      t.erase(id);
    } else {
      const v = slice(data, at, len);
      t.put(id, type, attrs, v);
      wipe(v);
    }
    at += len;
  }
  return t.commit();
}
