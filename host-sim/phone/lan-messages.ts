// The app's side of the registration conversation over the home LAN
// (firmware/images/water-heater/PROTOCOL.md §1): message builders and the sealed session.
import { createCipheriv, createDecipheriv, createECDH, createHmac } from "node:crypto";
import type { RandomSource } from "./seeded-random.ts";

export const LanMsg = {
  HELLO: 0x01, CREDENTIALS: 0x02, ADDED: 0x03,
  HELLO_REPLY: 0x81, STORED: 0x82, ADDED_ACK: 0x83, ERROR: 0xff,
} as const;

export const RegistrationMode = { NEW: 1, ADDITIONAL: 2 } as const;

const str = (s: string) => { const b = Buffer.from(s, "utf8"); return Buffer.concat([Buffer.of(b.length), b]); };

/** The sealed part of HELLO_REPLY. `serial` is the remote's own (its factory
 *  certificate's CN); the phone passes it to the cloud with a new registration. */
export interface HelloReply { mode: number; existingDeviceId: string; serial: string }

/** One registration conversation: key agreement, then sealed frames both ways. */
export class LanSession {
  private readonly ecdh = createECDH("prime256v1");
  private key: Buffer | null = null;
  private sendCounter = 0;
  private recvCounter = 0;

  constructor(random: RandomSource) {
    // A private key from the phone's own (possibly seeded) random source.
    for (;;) {
      try { this.ecdh.setPrivateKey(random.bytes(32)); break; } catch { /* out of range: draw again */ }
    }
  }

  hello(terminalId: string): Buffer {
    return Buffer.concat([Buffer.of(LanMsg.HELLO), this.ecdh.getPublicKey(), str(terminalId)]);
  }

  /** HELLO_REPLY: remote public key, then a sealed part without its own type byte. */
  openHelloReply(f: Uint8Array): HelloReply {
    const b = Buffer.from(f);
    if (b[0] === LanMsg.ERROR) throw new LanRefused(b.length > 1 ? (b[1] << 24) >> 24 : -10);
    if (b[0] !== LanMsg.HELLO_REPLY || b.length < 66 + 4 + 16) throw new Error("not a HELLO_REPLY");
    const devicePub = b.subarray(1, 66);
    const shared = this.ecdh.computeSecret(devicePub);
    const k = createHmac("sha256", shared).update(Buffer.concat([Buffer.from("wh-lan-v1"), this.ecdh.getPublicKey(), devicePub])).digest();
    this.key = k.subarray(0, 16);
    const body = this.open(Buffer.concat([Buffer.of(LanMsg.HELLO_REPLY), b.subarray(66)]));
    const n = body[1];
    const s = 2 + n;
    if (body.length < s + 1 || body.length !== s + 1 + body[s]) throw new Error("malformed HELLO_REPLY");
    return {
      mode: body[0], existingDeviceId: body.subarray(2, s).toString("utf8"),
      serial: body.subarray(s + 1, s + 1 + body[s]).toString("utf8"),
    };
  }

  credentials(deviceId: string, password: string): Buffer { return this.seal(LanMsg.CREDENTIALS, Buffer.concat([str(deviceId), str(password)])); }
  added(): Buffer { return this.seal(LanMsg.ADDED, Buffer.alloc(0)); }

  /** A sealed status answer (STORED / ADDED_ACK), or the remote's ERROR. */
  status(f: Uint8Array, type: number): number {
    const b = Buffer.from(f);
    if (b[0] === LanMsg.ERROR) throw new LanRefused(b.length > 1 ? (b[1] << 24) >> 24 : -10);
    if (b[0] !== type) throw new Error(`expected message 0x${type.toString(16)}, got 0x${b[0].toString(16)}`);
    return (this.open(b)[0] << 24) >> 24;
  }

  seal(type: number, body: Buffer): Buffer {
    const c = createCipheriv("aes-128-gcm", this.requireKey(), nonce(0x01, this.sendCounter));
    c.setAAD(Buffer.of(type));
    const ct = Buffer.concat([c.update(body), c.final(), c.getAuthTag()]);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.sendCounter++);
    return Buffer.concat([Buffer.of(type), counter, ct]);
  }

  private open(f: Buffer): Buffer {
    const counter = f.readUInt32BE(1);
    if (counter !== this.recvCounter) throw new Error("replayed or reordered frame from the remote");
    const d = createDecipheriv("aes-128-gcm", this.requireKey(), nonce(0x02, counter));
    d.setAAD(f.subarray(0, 1));
    d.setAuthTag(f.subarray(f.length - 16));
    const body = Buffer.concat([d.update(f.subarray(5, f.length - 16)), d.final()]);
    this.recvCounter++;
    return body;
  }

  private requireKey(): Buffer {
    if (!this.key) throw new Error("no session key yet");
    return this.key;
  }
}

export class LanRefused extends Error {
  constructor(readonly status: number) { super(`the remote refused with status ${status}`); }
}

function nonce(direction: number, counter: number): Buffer {
  const n = Buffer.alloc(12);
  n[0] = direction;
  n.writeUInt32BE(counter, 8);
  return n;
}
