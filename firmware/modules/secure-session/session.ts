// A short-lived encrypted session between a device and a phone on a local link (the
// water heater's registration over the home LAN, PROTOCOL.md §1; the printer's over
// Wi-Fi Direct and the lock's over BLE): the initiator commits to its public key, the
// responder answers with a fresh nonce and its own ephemeral P-256 key, the initiator
// reveals its key bound to that nonce. Both derive the AES-128-GCM key and the short
// authentication string (6 digits) the user compares on both screens. Frames carry
// per-direction counters so a replayed or reordered frame is refused. Keys live only in
// RAM and are wiped on close.
import * as board from "../../board/index";
import { OK, E_AUTH, E_INVAL, E_MALFORMED, E_RANGE, E_STATE } from "../../core/errors";
import { equalConstantTime, getU32BE, putU32BE, slice, wipe } from "../../core/codecs/bytes";
import { decimalLength, writeDecimal } from "../../board/compose";

export const NONCE_LEN: i32 = 16;
export const COMMIT_LEN: i32 = 32;
export const PUBLIC_LEN: i32 = 65;
export const KEY_LEN: i32 = 16;
/** Frame overhead: type u8 ‖ counter u32 ‖ … ‖ GCM tag. */
export const FRAME_OVERHEAD: i32 = 5 + 16;

/** Which side of the handshake this device takes. */
export namespace Role {
  /** Answers a commitment with the nonce (the water heater: the phone starts). */
  export const RESPONDER: u8 = 0;
  /** Sends the commitment first (a device that starts the pairing itself). */
  export const INITIATOR: u8 = 1;
}

/** The direction byte of each frame nonce: the initiator's frames and the responder's. */
export const DIR_INITIATOR: u8 = 0x01;
export const DIR_RESPONDER: u8 = 0x02;

/** What differs between appliances: the label that separates their keys (never reuse
 *  one across products or versions), the link frames go over, and this device's role. */
export class SessionConfig {
  constructor(public label: string, public link: i32, public role: u8 = Role.RESPONDER) {}

  /** What the commitment, the keys and the code are bound to: the label, and the link
   *  for every link but the LAN, so that a handshake or a frame from one transport is no
   *  use on another. LAN sessions bind the label alone: their wire format (the water
   *  heater's PROTOCOL.md §1, the phone apps) was fixed before links were bound, and each
   *  LAN label already names its link. */
  get binding(): string {
    return this.link == board.Link.LAN ? this.label : this.label + " link " + decimal(this.link, 1);
  }
}

/** The result of the key agreement: the frame key and the code both screens show. */
export class SessionKeys {
  constructor(public key: Uint8Array, public code: string) {}
}

export class SecureSession {
  private key: Uint8Array = new Uint8Array(0);
  private sendCounter: u32 = 0;
  private recvCounter: u32 = 0;
  /** Our ephemeral private key while a handshake is under way (one use). */
  private ownPriv: Uint8Array = new Uint8Array(0);
  /** Responder: the initiator's commitment. */
  private peerCommit: Uint8Array = new Uint8Array(0);
  nonce: Uint8Array = new Uint8Array(0);
  /** Our ephemeral public key in the current handshake. */
  ownPublic: Uint8Array = new Uint8Array(0);
  /** The short authentication string both screens show once the key is agreed. */
  code: string = "";
  /** Why the last openFrame returned null: E_STATE (no session), E_MALFORMED (shorter
   *  than a frame), E_AUTH (a replayed, reordered, reflected or altered frame); OK after
   *  a frame it opened. A refusal changes nothing: the next frame in order still opens. */
  refusal: i32 = OK;

  constructor(public config: SessionConfig) {}

  get link(): i32 { return this.config.link; }
  get isOpen(): bool { return this.key.length == KEY_LEN; }

  // ------------------------------------------------------------ responder

  /** A fresh offer for an initiator that committed to its public key. Any earlier offer
   *  and session are gone: only the latest nonce is valid. */
  offer(commit: Uint8Array): void {
    this.close();
    const kp = board.ecdhKeyPair();
    this.ownPriv = kp.priv;
    this.ownPublic = kp.pub;
    this.peerCommit = slice(commit, 0, commit.length);
    this.nonce = board.randomBytes(NONCE_LEN);
  }

  /** A fresh offer answered on the link at once: `type ‖ nonce ‖ own public key`, plain
   *  (the frame of the image's protocol that carries the offer, e.g. NONCE 0x84). */
  answerOffer(commit: Uint8Array, type: u8): void {
    this.offer(commit);
    const reply = new Uint8Array(1 + NONCE_LEN + PUBLIC_LEN);
    reply[0] = type;
    reply.set(this.nonce, 1);
    reply.set(this.ownPublic, 1 + NONCE_LEN);
    this.sendPlain(reply);
  }

  /** The initiator's reveal: its public key and the nonce it was given. E_AUTH for a
   *  nonce that is not the current offer's (a replay; the offer stays for the real
   *  initiator) or a key that does not match the commitment; E_INVAL for a key that is
   *  not a point. */
  accept(peerPublic: Uint8Array, nonce: Uint8Array): i32 {
    if (this.config.role != Role.RESPONDER) return E_STATE;
    if (this.ownPriv.length == 0 || !equalConstantTime(nonce, this.nonce)) return E_AUTH;
    if (!equalConstantTime(commitment(this.config.binding, peerPublic), this.peerCommit)) return E_AUTH;
    return this.agree(peerPublic, this.ownPublic, nonce);
  }

  // ------------------------------------------------------------ initiator

  /** Starts a handshake: the commitment to send to the responder. */
  begin(): Uint8Array {
    this.close();
    const kp = board.ecdhKeyPair();
    this.ownPriv = kp.priv;
    this.ownPublic = kp.pub;
    return commitment(this.config.binding, this.ownPublic);
  }

  /** The responder's nonce and public key; afterwards the initiator reveals ownPublic
   *  with this nonce. E_INVAL for a nonce or key of the wrong size or a key that is not a
   *  point: nothing changes, so a forged answer does not end the handshake the real
   *  responder's answer can still complete. */
  complete(peerPublic: Uint8Array, nonce: Uint8Array): i32 {
    if (this.config.role != Role.INITIATOR || this.ownPriv.length == 0) return E_STATE;
    if (nonce.length != NONCE_LEN || peerPublic.length != PUBLIC_LEN) return E_INVAL;
    return this.agree(peerPublic, this.ownPublic, nonce);
  }

  // ------------------------------------------------------------ both

  private agree(peerPublic: Uint8Array, ownPublic: Uint8Array, nonce: Uint8Array): i32 {
    const shared = board.ecdhShared(this.ownPriv, peerPublic);
    if (shared === null) return E_INVAL;                  // not a point: nothing changes
    wipe(this.ownPriv);                                   // one use
    this.ownPriv = new Uint8Array(0);
    this.peerCommit = new Uint8Array(0);
    const initiator = this.config.role == Role.INITIATOR ? ownPublic : peerPublic;
    const responder = this.config.role == Role.INITIATOR ? peerPublic : ownPublic;
    const keys = deriveKeys(this.config.binding, shared, initiator, responder, nonce);
    wipe(shared);
    this.nonce = new Uint8Array(0);
    this.use(keys);
    return OK;
  }

  /** Starts framing with agreed keys (what accept/complete end with). */
  use(keys: SessionKeys): void {
    this.key = keys.key;
    this.code = keys.code;
    this.sendCounter = 0;
    this.recvCounter = 0;
  }

  close(): void {
    wipe(this.key);
    this.key = new Uint8Array(0);
    this.code = "";
    wipe(this.ownPriv);
    this.ownPriv = new Uint8Array(0);
    this.peerCommit = new Uint8Array(0);
    this.nonce = new Uint8Array(0);
  }

  /** type ‖ counter u32 BE ‖ AES-GCM(body) with AAD = type; null without a session or
   *  once the counter is spent (a frame nonce is never used twice). */
  seal(type: u8, body: Uint8Array): Uint8Array | null {
    if (!this.isOpen || this.sendCounter == u32.MAX_VALUE) return null;
    const nonce = frameNonce(this.ownDir(), this.sendCounter);
    const sealed = board.aeadSeal(this.key, nonce, aad(type), body);
    if (sealed === null) return null;
    const f = new Uint8Array(5 + sealed.length);
    f[0] = type;
    putU32BE(f, 1, this.sendCounter++);
    f.set(changetype<Uint8Array>(sealed), 5);
    return f;
  }

  /** Seals and sends on the session's link: OK, E_STATE without a session, E_RANGE once
   *  the counter is spent. */
  send(type: u8, body: Uint8Array): i32 {
    if (!this.isOpen) return E_STATE;
    const f = this.seal(type, body);
    if (f === null) return E_RANGE;
    board.linkSend(this.config.link, f);
    return OK;
  }

  /** Sends a frame outside the session (the handshake's, or an error). */
  sendPlain(frame: Uint8Array): void { board.linkSend(this.config.link, frame); }

  /** The body of the next sealed frame from the peer, or null (`refusal` says why). */
  openFrame(frame: Uint8Array): Uint8Array | null {
    if (!this.isOpen) { this.refusal = E_STATE; return null; }
    if (frame.length < FRAME_OVERHEAD) { this.refusal = E_MALFORMED; return null; }
    const counter = getU32BE(frame, 1);
    if (counter != this.recvCounter) { this.refusal = E_AUTH; return null; }
    const peerDir = this.ownDir() == DIR_INITIATOR ? DIR_RESPONDER : DIR_INITIATOR;
    const body = board.aeadOpen(this.key, frameNonce(peerDir, counter), aad(frame[0]), slice(frame, 5, frame.length - 5));
    if (body === null) { this.refusal = E_AUTH; return null; }
    this.recvCounter++;
    this.refusal = OK;
    return body;
  }

  private ownDir(): u8 { return this.config.role == Role.INITIATOR ? DIR_INITIATOR : DIR_RESPONDER; }
}

/** K = HMAC-SHA-256(shared, label ‖ initiator key ‖ responder key ‖ nonce); the frame key
 *  is its first 16 bytes, the code is shortAuthString(K). */
export function deriveKeys(label: string, shared: Uint8Array, initiatorPublic: Uint8Array, responderPublic: Uint8Array, nonce: Uint8Array): SessionKeys {
  const l = board.utf8(label);
  const info = new Uint8Array(l.length + initiatorPublic.length + responderPublic.length + nonce.length);
  info.set(l, 0);
  info.set(initiatorPublic, l.length);
  info.set(responderPublic, l.length + initiatorPublic.length);
  info.set(nonce, l.length + initiatorPublic.length + responderPublic.length);
  const k = board.hmacSha256(shared, info);
  const keys = new SessionKeys(slice(k, 0, KEY_LEN), shortAuthString(label, k));
  wipe(k);
  return keys;
}

/** SHA-256(label ‖ " commit" ‖ public key): what the initiator commits to first. */
export function commitment(label: string, publicKey: Uint8Array): Uint8Array {
  const l = board.utf8(label + " commit");
  const m = new Uint8Array(l.length + publicKey.length);
  m.set(l, 0);
  m.set(publicKey, l.length);
  return board.sha256(m);
}

/** The short authentication string: six decimal digits, the first 4 bytes of
 *  HMAC-SHA-256(K, label ‖ " code"), big-endian, modulo 1 000 000, with leading zeros. */
export function shortAuthString(label: string, k: Uint8Array): string {
  const h = board.hmacSha256(k, board.utf8(label + " code"));
  const n = getU32BE(h, 0) % 1000000;
  wipe(h);
  return decimal(n, 6);
}

/** `n` in decimal, with leading zeros up to `width` digits. The composer's digit writer,
 *  not the standard library's number formatting (which costs an image more). */
function decimal(n: u32, width: i32): string {
  const digits = decimalLength(n);
  const b = new Uint8Array(max(digits, width));
  for (let i = 0; i < b.length - digits; i++) b[i] = 0x30;
  writeDecimal(b.dataStart + <usize>(b.length - digits), n, digits);
  return board.text(b);
}

function frameNonce(dir: u8, counter: u32): Uint8Array {
  const n = new Uint8Array(12);
  n[0] = dir;
  putU32BE(n, 8, counter);
  return n;
}

function aad(type: u8): Uint8Array {
  const a = new Uint8Array(1);
  a[0] = type;
  return a;
}
