// An encrypted session over the home LAN for registration (water-heater PROTOCOL.md §1):
// ephemeral P-256 key agreement, AES-128-GCM frames with per-direction counters so a
// replayed or reordered frame is refused. Keys live only in RAM and are wiped on close.
import * as board from "../../board/index";
import { getU32BE, putU32BE, slice, wipe } from "../../core/bytes";

export const DIR_PHONE_TO_DEVICE: u8 = 0x01;
export const DIR_DEVICE_TO_PHONE: u8 = 0x02;
const LABEL = "wh-lan-v1";

export class LanSession {
  private key: Uint8Array = new Uint8Array(0);
  private sendCounter: u32 = 0;
  private recvCounter: u32 = 0;
  devicePublic: Uint8Array = new Uint8Array(0);

  /** Agrees a key with the phone's public key; false if that key is not a valid point. */
  open(phonePublic: Uint8Array): bool {
    this.close();
    const kp = board.ecdhKeyPair();
    const shared = board.ecdhShared(kp.priv, phonePublic);
    wipe(kp.priv);
    if (shared === null) return false;
    const label = board.utf8(LABEL);
    const info = new Uint8Array(label.length + 130);
    info.set(label, 0);
    info.set(phonePublic, label.length);
    info.set(kp.pub, label.length + 65);
    const k = board.hmacSha256(shared, info);
    wipe(shared);
    this.key = slice(k, 0, 16);
    wipe(k);
    this.devicePublic = kp.pub;
    this.sendCounter = 0;
    this.recvCounter = 0;
    return true;
  }

  get isOpen(): bool { return this.key.length == 16; }

  close(): void {
    wipe(this.key);
    this.key = new Uint8Array(0);
  }

  /** type ‖ counter ‖ AES-GCM(body) with AAD = type. */
  seal(type: u8, body: Uint8Array): Uint8Array {
    const nonce = this.nonce(DIR_DEVICE_TO_PHONE, this.sendCounter);
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
    const body = board.aeadOpen(this.key, this.nonce(DIR_PHONE_TO_DEVICE, counter), this.aad(frame[0]), slice(frame, 5, frame.length - 5));
    if (body !== null) this.recvCounter++;
    return body;
  }

  private nonce(dir: u8, counter: u32): Uint8Array {
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
