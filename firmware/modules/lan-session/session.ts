// An encrypted session over the home LAN for registration (water-heater PROTOCOL.md §1):
// the phone commits to its public key, the remote answers with a fresh nonce and its own
// ephemeral P-256 key, the phone reveals its key bound to that nonce. Both derive the
// AES-128-GCM key and a 6-digit code the user compares on both screens. Frames carry
// per-direction counters so a replayed or reordered frame is refused. Keys live only in
// RAM and are wiped on close.
import * as board from "../../board/index";
import { OK, E_AUTH, E_INVAL } from "../../core/errors";
import { equalConstantTime, getU32BE, putU32BE, slice, wipe } from "../../core/codecs/bytes";

export const DIR_PHONE_TO_DEVICE: u8 = 0x01;
export const DIR_DEVICE_TO_PHONE: u8 = 0x02;
export const NONCE_LEN: i32 = 16;
export const COMMIT_LEN: i32 = 32;
export const PUBLIC_LEN: i32 = 65;
const LABEL = "wh-lan-v2";
const COMMIT_LABEL = "wh-lan-v2 commit";
const CODE_LABEL = "wh-lan-v2 code";

export class LanSession {
  private key: Uint8Array = new Uint8Array(0);
  private sendCounter: u32 = 0;
  private recvCounter: u32 = 0;
  /** The one offer a HELLO may use: our private key, the nonce, the phone's commitment. */
  private offerPriv: Uint8Array = new Uint8Array(0);
  private offerCommit: Uint8Array = new Uint8Array(0);
  nonce: Uint8Array = new Uint8Array(0);
  devicePublic: Uint8Array = new Uint8Array(0);
  /** The short authentication string both screens show once the key is agreed. */
  code: string = "";

  /** A fresh offer for a phone that committed to its public key. Any earlier offer and
   *  session are gone: only the latest nonce is valid. */
  offer(commit: Uint8Array): void {
    this.close();
    const kp = board.ecdhKeyPair();
    this.offerPriv = kp.priv;
    this.devicePublic = kp.pub;
    this.offerCommit = slice(commit, 0, commit.length);
    this.nonce = board.randomBytes(NONCE_LEN);
  }

  /** The phone's HELLO: its public key and the nonce it was given. E_AUTH for a nonce
   *  that is not the current offer's (a replay; the offer stays for the real phone) or a
   *  key that does not match the commitment; E_INVAL for a key that is not a point. */
  accept(phonePublic: Uint8Array, nonce: Uint8Array): i32 {
    if (this.offerPriv.length == 0 || !equalConstantTime(nonce, this.nonce)) return E_AUTH;
    if (!equalConstantTime(commitment(phonePublic), this.offerCommit)) return E_AUTH;
    const shared = board.ecdhShared(this.offerPriv, phonePublic);
    this.dropOffer();                                    // one use
    if (shared === null) return E_INVAL;
    const label = board.utf8(LABEL);
    const info = new Uint8Array(label.length + 2 * PUBLIC_LEN + NONCE_LEN);
    info.set(label, 0);
    info.set(phonePublic, label.length);
    info.set(this.devicePublic, label.length + PUBLIC_LEN);
    info.set(nonce, label.length + 2 * PUBLIC_LEN);
    const k = board.hmacSha256(shared, info);
    wipe(shared);
    this.key = slice(k, 0, 16);
    this.code = codeOf(k);
    wipe(k);
    this.sendCounter = 0;
    this.recvCounter = 0;
    return OK;
  }

  get isOpen(): bool { return this.key.length == 16; }

  close(): void {
    wipe(this.key);
    this.key = new Uint8Array(0);
    this.code = "";
    this.dropOffer();
  }

  private dropOffer(): void {
    wipe(this.offerPriv);
    this.offerPriv = new Uint8Array(0);
    this.offerCommit = new Uint8Array(0);
    this.nonce = new Uint8Array(0);
  }

  /** type ‖ counter ‖ AES-GCM(body) with AAD = type. */
  seal(type: u8, body: Uint8Array): Uint8Array {
    const nonce = this.frameNonce(DIR_DEVICE_TO_PHONE, this.sendCounter);
    const sealed = board.aeadSeal(this.key, nonce, this.aad(type), body)!;
    const f = new Uint8Array(5 + sealed.length);
    f[0] = type;
    putU32BE(f, 1, this.sendCounter++);
    f.set(sealed, 5);
    return f;
  }

  /** The body of a sealed frame from the phone, or null (bad tag, wrong counter). */
  openFrame(frame: Uint8Array): Uint8Array | null {
    if (!this.isOpen || frame.length < 5 + 16) return null;
    const counter = getU32BE(frame, 1);
    if (counter != this.recvCounter) return null;
    const body = board.aeadOpen(this.key, this.frameNonce(DIR_PHONE_TO_DEVICE, counter), this.aad(frame[0]), slice(frame, 5, frame.length - 5));
    if (body !== null) this.recvCounter++;
    return body;
  }

  private frameNonce(dir: u8, counter: u32): Uint8Array {
    const n = new Uint8Array(12);
    n[0] = dir;
    putU32BE(n, 8, counter);
    return n;
  }

  private aad(type: u8): Uint8Array {
    const a = new Uint8Array(1);
    a[0] = type;
    return a;
  }
}

/** SHA-256("wh-lan-v2 commit" ‖ phone public key): what the phone commits to first. */
function commitment(phonePublic: Uint8Array): Uint8Array {
  const label = board.utf8(COMMIT_LABEL);
  const m = new Uint8Array(label.length + phonePublic.length);
  m.set(label, 0);
  m.set(phonePublic, label.length);
  return board.sha256(m);
}

/** Six decimal digits: the first 4 bytes of HMAC-SHA-256(K, "wh-lan-v2 code"), big-endian,
 *  modulo 1 000 000, with leading zeros. */
function codeOf(k: Uint8Array): string {
  const h = board.hmacSha256(k, board.utf8(CODE_LABEL));
  const n = getU32BE(h, 0) % 1000000;
  wipe(h);
  let s = n.toString();
  while (s.length < 6) s = "0" + s;
  return s;
}
