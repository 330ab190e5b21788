// The local session between a phone and the printer, one per link (Wi-Fi Direct, LAN):
// the water heater's handshake (commitment, nonce, reveal) with the phone's long-term app
// key and no code to compare (the PWT read by touch proves presence), then sealed
// requests. The phone's identity is SHA-256 of its public key: only its holder derives
// the session key. Every refused frame is answered ERROR (plain, never a secret) and
// changes nothing but the token module's attempt counters; the MAX_REFUSED-th closes
// the session. PROTOCOL.md §3.
import * as board from "../../board/index";
import { OK, E_LOCKED, E_MALFORMED, E_STATE } from "../../core/errors";
import { slice, wipe } from "../../core/codecs/bytes";
import { statusFrame } from "../../core/codecs/fields";
import { SecureSession, SessionConfig, COMMIT_LEN, NONCE_LEN, PUBLIC_LEN } from "../../modules/secure-session/index";

export namespace Msg {
  export const HELLO: u8 = 0x01;
  export const NONCE_REQUEST: u8 = 0x04;
  export const ROUTER: u8 = 0x10;
  export const PT_REQUEST: u8 = 0x11;
  export const PT_DELETE: u8 = 0x12;
  export const REGISTER: u8 = 0x13;
  export const STATUS: u8 = 0x14;
  export const SVWT_GET: u8 = 0x15;
  export const CHARGE: u8 = 0x16;
  export const PRINT: u8 = 0x17;
  export const HELLO_REPLY: u8 = 0x81;
  export const REPLY: u8 = 0x82;
  export const NONCE: u8 = 0x84;
  export const ROUTER_RESULT: u8 = 0x90;
  export const PT: u8 = 0x91;
  export const STATUS_REPLY: u8 = 0x94;
  export const SVWT: u8 = 0x95;
  export const CHARGE_ACK: u8 = 0x96;
  export const PRINTED: u8 = 0x97;
  export const ERROR: u8 = 0xff;
}

/** Refused frames a session takes; this many close it (E_LOCKED). */
export const MAX_REFUSED: i32 = 5;

/** What the printer does with an opened session's requests. */
export abstract class SessionHandler {
  /** The sealed body of HELLO_REPLY: state u8 ‖ serial (u8 length ‖ UTF-8). */
  abstract helloReply(): Uint8Array;
  /** A sealed request's body (wiped by the caller afterwards): OK, or the refusal code
   *  after calling s.refuse(). */
  abstract request(s: LocalSession, type: u8, body: Uint8Array): i32;
}

export class LocalSession {
  private session: SecureSession;
  private refused: i32 = 0;
  /** SHA-256 of the phone's public key, once the handshake is done. */
  phoneId: Uint8Array = new Uint8Array(0);

  constructor(config: SessionConfig) {
    this.session = new SecureSession(config);
  }

  get link(): i32 { return this.session.link; }
  get isOpen(): bool { return this.session.isOpen; }

  /** A frame on the session's link; `handler` acts on opened requests. */
  onFrame(frame: Uint8Array, handler: SessionHandler): i32 {
    if (frame.length == 0) return this.refuse(E_MALFORMED);
    const type = frame[0];
    if (type == Msg.NONCE_REQUEST) {
      if (frame.length != 1 + COMMIT_LEN) return this.refuse(E_MALFORMED);
      this.close();
      this.session.answerOffer(slice(frame, 1, COMMIT_LEN), Msg.NONCE);
      return OK;
    }
    if (type == Msg.HELLO) {
      if (frame.length != 1 + PUBLIC_LEN + NONCE_LEN) return this.refuse(E_MALFORMED);
      const phonePublic = slice(frame, 1, PUBLIC_LEN);
      const rc = this.session.accept(phonePublic, slice(frame, 1 + PUBLIC_LEN, NONCE_LEN));
      if (rc != OK) return this.refuse(rc);
      this.phoneId = board.sha256(phonePublic);
      const body = handler.helloReply();
      this.session.send(Msg.HELLO_REPLY, body);
      return OK;
    }
    if (!this.session.isOpen) return this.refuse(E_STATE);
    const body = this.session.openFrame(frame);
    if (body === null) return this.refuse(this.session.refusal);
    const rc = handler.request(this, type, body);
    wipe(body);
    return rc;
  }

  /** A sealed answer: OK, or E_STATE without a session. */
  reply(type: u8, body: Uint8Array): i32 { return this.session.send(type, body); }

  /** ERROR with `code`, plain; the MAX_REFUSED-th refusal closes the session (E_LOCKED). */
  refuse(code: i32): i32 {
    if (++this.refused >= MAX_REFUSED) {
      this.session.sendPlain(statusFrame(Msg.ERROR, E_LOCKED));
      board.compose().add("local session closed after ").num(MAX_REFUSED).add(" refused frames").warn();
      this.close();
      return E_LOCKED;
    }
    this.session.sendPlain(statusFrame(Msg.ERROR, code));
    return code;
  }

  /** Ends the session (and any handshake under way); its refusals start again at 0. */
  close(): void {
    this.session.close();
    this.refused = 0;
    this.phoneId = new Uint8Array(0);
  }
}
