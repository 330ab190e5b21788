// The phone app's BLE link (PROTOCOL.md §3, operation example 2): the secure session's
// handshake with the PCS as the responder, then sealed AUTH, READ, CHANGE, DELETE and
// CLOSE. The PCS answers BLE only while its screen offers it (the window, deadline 0x64);
// the session's end closes the grant it opened. A refusal is the plain ERROR frame
// `0xFF | status i8` and changes nothing.
import * as board from "../../board/index";
import { Link } from "../../board/index";
import { OK, E_MALFORMED, E_STATE, E_AUTH } from "../../core/errors";
import { FieldReader, withString } from "../../core/codecs/fields";
import { slice, wipe } from "../../core/codecs/bytes";
import { CredentialStore } from "../../modules/credential-store/index";
import { COMMIT_LEN, NONCE_LEN, PUBLIC_LEN, Role, SecureSession, SessionConfig } from "../../modules/secure-session/index";

export const BLE_SESSION = new SessionConfig("pcs-ble-v1", Link.BLE, Role.RESPONDER);

export namespace Ble {
  export const NONCE_REQUEST: u8 = 0x01;
  export const NONCE: u8 = 0x02;
  export const HELLO: u8 = 0x03;
  export const HELLO_REPLY: u8 = 0x04;
  export const AUTH: u8 = 0x10;
  export const AUTH_RESULT: u8 = 0x11;
  export const READ: u8 = 0x12;
  export const ITEM: u8 = 0x13;
  export const CHANGE: u8 = 0x14;
  export const RESULT: u8 = 0x15;
  export const DELETE: u8 = 0x16;
  export const CLOSE: u8 = 0x17;
  export const ERROR: u8 = 0xff;
}

/** What a sealed request asks the appliance to do; the answer's body comes back. */
export abstract class BleRequests {
  /** AUTH: AUTH_RESULT's body (status, items, uses left, tries left). */
  abstract credential(kind: i32, digits: Uint8Array): Uint8Array;
  /** READ: ITEM's body after the item byte (status, value). */
  abstract read(item: i32): Uint8Array;
  /** CHANGE (value) or DELETE (null): the status. */
  abstract change(item: i32, value: Uint8Array | null): i32;
  /** The session ended (CLOSE, the window's end): the grant it opened closes. */
  abstract ended(): void;
}

export class BleLink {
  readonly session: SecureSession = new SecureSession(BLE_SESSION);
  /** The window is open (MENU → "Phone (BLE)"): frames are answered. */
  open: bool = false;

  constructor(private store: CredentialStore, private requests: BleRequests) {}

  get code(): string { return this.session.code; }
  get connected(): bool { return this.session.isOpen; }

  /** The window closes: the session, and with it the grant, end. */
  shut(): void {
    const had = this.session.isOpen;
    this.open = false;
    this.session.close();
    if (had) this.requests.ended();
  }

  onFrame(frame: Uint8Array): i32 {
    if (!this.open) return this.refuse(E_STATE);
    if (frame.length == 0) return this.refuse(E_MALFORMED);
    const type = frame[0];
    if (type == Ble.NONCE_REQUEST) {
      if (frame.length != 1 + COMMIT_LEN) return this.refuse(E_MALFORMED);
      // A new handshake replaces the session: the grant of the old one closes.
      if (this.session.isOpen) this.requests.ended();
      this.session.answerOffer(slice(frame, 1, COMMIT_LEN), Ble.NONCE);
      return OK;
    }
    if (type == Ble.HELLO) {
      if (frame.length != 1 + PUBLIC_LEN + NONCE_LEN) return this.refuse(E_MALFORMED);
      const rc = this.session.accept(slice(frame, 1, PUBLIC_LEN), slice(frame, 1 + PUBLIC_LEN, NONCE_LEN));
      if (rc != OK) return this.refuse(rc);
      const serial = this.store.serial();
      this.session.send(Ble.HELLO_REPLY, withString(new Uint8Array(0), serial === null ? "" : serial));
      return OK;
    }
    if (!this.session.isOpen) return this.refuse(E_STATE);
    if (type != Ble.AUTH && type != Ble.READ && type != Ble.CHANGE && type != Ble.DELETE && type != Ble.CLOSE) return this.refuse(E_MALFORMED);
    const body = this.session.openFrame(frame);
    if (body === null) return this.refuse(this.session.refusal == OK ? E_AUTH : this.session.refusal);
    const rc = this.dispatch(type, body);
    wipe(body);
    return rc;
  }

  private dispatch(type: u8, body: Uint8Array): i32 {
    if (type == Ble.CLOSE) {
      if (body.length != 0) return this.answerResult(0, E_MALFORMED);
      this.session.close();
      this.requests.ended();
      return OK;
    }
    if (type == Ble.AUTH) {
      const r = new FieldReader(body, 0);
      const kind = r.i < body.length ? <i32>body[r.i++] : -1;
      const n = r.i < body.length ? <i32>body[r.i++] : -1;
      const digits = r.bytes(n < 1 || n > 16 ? -1 : n);
      let answer: Uint8Array;
      if (!r.done) { answer = new Uint8Array(4); answer[0] = <u8>E_MALFORMED; }
      else answer = this.requests.credential(kind, digits);
      wipe(digits);
      this.session.send(Ble.AUTH_RESULT, answer);
      return <i8>answer[0];
    }
    if (body.length < 1) return this.answerResult(0, E_MALFORMED);
    const item = <i32>body[0];
    if (type == Ble.READ) {
      const a = body.length == 1 ? this.requests.read(item) : statusOnly(E_MALFORMED);
      const f = new Uint8Array(1 + a.length);
      f[0] = <u8>item;
      f.set(a, 1);
      wipe(a);
      this.session.send(Ble.ITEM, f);
      const status = <i32><i8>f[1];
      wipe(f);
      return status;
    }
    if (type == Ble.DELETE) return this.answerResult(item, body.length == 1 ? this.requests.change(item, null) : E_MALFORMED);
    const value = slice(body, 1, body.length - 1);
    const rc = this.requests.change(item, value);
    wipe(value);
    return this.answerResult(item, rc);
  }

  private answerResult(item: i32, rc: i32): i32 {
    const b = new Uint8Array(2);
    b[0] = <u8>item;
    b[1] = <u8>rc;
    this.session.send(Ble.RESULT, b);
    return rc;
  }

  private refuse(rc: i32): i32 {
    const f = new Uint8Array(2);
    f[0] = Ble.ERROR;
    f[1] = <u8>rc;
    board.linkSend(Link.BLE, f);
    return rc;
  }
}

export function statusOnly(rc: i32): Uint8Array {
  const b = new Uint8Array(1);
  b[0] = <u8>rc;
  return b;
}
