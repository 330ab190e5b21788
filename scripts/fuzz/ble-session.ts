// The phone's side of one secure BLE session (modules/secure-session: the commitment,
// NONCE, HELLO, then AES-128-GCM frames numbered from 0), as far as a fuzzer needs it to
// reach the sealed requests behind the handshake. Its key is made from a seed, so a
// campaign replays identically; the frame numbers are the handshake's, the same for every
// appliance that uses the session over BLE (the lock, the power conditioner).
import { createCipheriv, createECDH, createHash, createHmac } from "node:crypto";

const NONCE_REQUEST = 0x01, NONCE = 0x02, HELLO = 0x03;
const NONCE_FRAME_LEN = 1 + 16 + 65;

export class FuzzBleSession {
  private readonly ecdh = createECDH("prime256v1");
  key: Buffer | null = null;
  counter = 0;

  /** `binding`: the session's label and link ("lock-ble-v1 link 2"); `keySeed`: what the
   *  phone's private key is hashed from. */
  constructor(private readonly binding: string, keySeed: string) {
    this.ecdh.setPrivateKey(createHash("sha256").update(keySeed).digest());
  }

  nonceRequest(): Uint8Array {
    return Buffer.concat([Buffer.of(NONCE_REQUEST), createHash("sha256").update(`${this.binding} commit`).update(this.ecdh.getPublicKey()).digest()]);
  }

  /** HELLO for the appliance's NONCE (null for anything else); derives the key. */
  hello(nonceFrame: Uint8Array): Uint8Array | null {
    if (nonceFrame[0] !== NONCE || nonceFrame.length !== NONCE_FRAME_LEN) return null;
    const nonce = Buffer.from(nonceFrame.subarray(1, 17)), theirs = Buffer.from(nonceFrame.subarray(17));
    const k = createHmac("sha256", this.ecdh.computeSecret(theirs)).update(Buffer.concat([Buffer.from(this.binding), this.ecdh.getPublicKey(), theirs, nonce])).digest();
    this.key = k.subarray(0, 16);
    this.counter = 0;
    return Buffer.concat([Buffer.of(HELLO), this.ecdh.getPublicKey(), nonce]);
  }

  seal(type: number, body: Uint8Array): Uint8Array {
    const n = Buffer.alloc(12); n[0] = 1; n.writeUInt32BE(this.counter, 8);
    const c = createCipheriv("aes-128-gcm", this.key!, n);
    c.setAAD(Buffer.of(type));
    const ct = Buffer.concat([c.update(body), c.final(), c.getAuthTag()]);
    const head = Buffer.alloc(5); head[0] = type; head.writeUInt32BE(this.counter++, 1);
    return Buffer.concat([head, ct]);
  }
}
