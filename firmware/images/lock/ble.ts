// The phone's BLE link (PROTOCOL.md §2): the secure session's handshake with the lock as
// the responder, always open (no window, no code: what authenticates the phone is its
// grant and its proof), then sealed CHALLENGE_REQUEST, OPERATE and CLOSE. One session at a
// time: a new NONCE_REQUEST ends the one in progress, and with it its challenge. A frame
// refused outside the session is the plain ERROR frame `0xFF | status i8`, changing nothing.
import * as board from "../../board/index";
import { Link } from "../../board/index";
import { OK, E_MALFORMED, E_STATE, E_AUTH } from "../../core/errors";
import { withString } from "../../core/codecs/fields";
import { slice, wipe } from "../../core/codecs/bytes";
import { CredentialStore } from "../../modules/credential-store/index";
import { COMMIT_LEN, NONCE_LEN, PUBLIC_LEN, Role, SecureSession, SessionConfig } from "../../modules/secure-session/index";

export const BLE_SESSION = new SessionConfig("lock-ble-v1", Link.BLE, Role.RESPONDER);

export namespace Ble {
  export const NONCE_REQUEST: u8 = 0x01;
  export const NONCE: u8 = 0x02;
  export const HELLO: u8 = 0x03;
  export const HELLO_REPLY: u8 = 0x04;
  export const CHALLENGE_REQUEST: u8 = 0x30;
  export const CHALLENGE: u8 = 0x31;
  export const OPERATE: u8 = 0x32;
  export const RESULT: u8 = 0x33;
  export const CLOSE: u8 = 0x34;
  export const ERROR: u8 = 0xff;
}

/** What the sealed requests ask of the lock. */
export abstract class BleRequests {
  /** CHALLENGE_REQUEST: a fresh nonce for this session (replacing the one held); null
   *  while the lock cannot check grants (not provisioned). */
  abstract challenge(): Uint8Array | null;
  /** OPERATE's fields after the type byte: RESULT's body (status, reason, bolt). */
  abstract operate(fields: Uint8Array): Uint8Array;
  /** The session ended (CLOSE, a new handshake): its challenge is forgotten. */
  abstract ended(): void;
}

export class BleLink {
  readonly session: SecureSession = new SecureSession(BLE_SESSION);

  constructor(private store: CredentialStore, private requests: BleRequests) {}

  get connected(): bool { return this.session.isOpen; }

  onFrame(frame: Uint8Array): i32 {
    if (frame.length == 0) return this.refuse(E_MALFORMED);
    const type = frame[0];
    if (type == Ble.NONCE_REQUEST) {
      if (frame.length != 1 + COMMIT_LEN) return this.refuse(E_MALFORMED);
      this.requests.ended();
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
    if (type != Ble.CHALLENGE_REQUEST && type != Ble.OPERATE && type != Ble.CLOSE) return this.refuse(E_MALFORMED);
    const body = this.session.openFrame(frame);
    if (body === null) return this.refuse(this.session.refusal == OK ? E_AUTH : this.session.refusal);
    const rc = this.dispatch(type, body);
    wipe(body);
    return rc;
  }

  private dispatch(type: u8, body: Uint8Array): i32 {
    if (type == Ble.CLOSE) {
      if (body.length != 0) return this.refuse(E_MALFORMED);
      this.session.close();
      this.requests.ended();
      return OK;
    }
    if (type == Ble.CHALLENGE_REQUEST) {
      if (body.length != 0) return this.refuse(E_MALFORMED);
      const nonce = this.requests.challenge();
      if (nonce === null) return this.refuse(E_STATE);
      this.session.send(Ble.CHALLENGE, nonce);
      return OK;
    }
    const answer = this.requests.operate(body);
    this.session.send(Ble.RESULT, answer);
    return <i32><i8>answer[0];
  }

  private refuse(rc: i32): i32 {
    const f = new Uint8Array(2);
    f[0] = Ble.ERROR;
    f[1] = <u8>rc;
    board.linkSend(Link.BLE, f);
    return rc;
  }
}
