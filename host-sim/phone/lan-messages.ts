// The app's side of the registration conversation over the home LAN
// (firmware/images/water-heater/PROTOCOL.md §1): message builders and the sealed session.
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac } from "node:crypto";
import type { RandomSource } from "./seeded-random.ts";
import { registrationRefusal } from "./result-codes.ts";

export const LanMsg = {
  HELLO: 0x01, CREDENTIALS: 0x02, ADDED: 0x03, NONCE_REQUEST: 0x04, ABORT: 0x05,
  HELLO_REPLY: 0x81, STORED: 0x82, ADDED_ACK: 0x83, NONCE: 0x84, ERROR: 0xff,
} as const;

export const RegistrationMode = { NEW: 1, ADDITIONAL: 2 } as const;

const NONCE_LEN = 16, PUBLIC_LEN = 65;
const str = (s: string) => { const b = Buffer.from(s, "utf8"); return Buffer.concat([Buffer.of(b.length), b]); };

/** The sealed part of HELLO_REPLY. `serial` is the remote's own (its factory
 *  certificate's CN); the phone passes it to the cloud with a new registration. */
export interface HelloReply { mode: number; existingDeviceId: string; serial: string }

/** One registration conversation: the phone commits to its key (NONCE_REQUEST), takes the
 *  remote's nonce and key (NONCE), reveals its key bound to that nonce (HELLO), then both
 *  sides hold the session key and the 6-digit code, and sealed frames go both ways. */
export class LanSession {
  private readonly ecdh = createECDH("prime256v1");
  private key: Buffer | null = null;
  private nonce: Buffer | null = null;
  private sendCounter = 0;
  private recvCounter = 0;
  /** The short authentication string, once the remote's NONCE was taken. */
  code = "";

  /** label: the appliance's session label (firmware/modules/secure-session README). */
  constructor(random: RandomSource, private readonly label = "wh-lan-v2") {
    // A private key from the phone's own (possibly seeded) random source.
    for (;;) {
      try { this.ecdh.setPrivateKey(random.bytes(32)); break; } catch { /* out of range: draw again */ }
    }
  }

  /** NONCE_REQUEST: SHA-256("wh-lan-v2 commit" ‖ phone public key). */
  nonceRequest(): Buffer {
    const commit = createHash("sha256").update(Buffer.from(`${this.label} commit`)).update(this.ecdh.getPublicKey()).digest();
    return Buffer.concat([Buffer.of(LanMsg.NONCE_REQUEST), commit]);
  }

  /** NONCE: the remote's nonce and public key; derives the session key and the code. */
  acceptNonce(f: Uint8Array): void {
    const b = Buffer.from(f);
    refusal(b);
    if (b[0] !== LanMsg.NONCE || b.length !== 1 + NONCE_LEN + PUBLIC_LEN) throw new Error("not a NONCE");
    const nonce = b.subarray(1, 1 + NONCE_LEN), devicePub = b.subarray(1 + NONCE_LEN);
    const shared = this.ecdh.computeSecret(devicePub);
    const k = createHmac("sha256", shared).update(Buffer.concat([Buffer.from(this.label), this.ecdh.getPublicKey(), devicePub, nonce])).digest();
    this.key = k.subarray(0, 16);
    this.code = String(createHmac("sha256", k).update(`${this.label} code`).digest().readUInt32BE(0) % 1_000_000).padStart(6, "0");
    this.nonce = Buffer.from(nonce);
    this.sendCounter = 0;
    this.recvCounter = 0;
  }

  /** HELLO: phone public key, the remote's nonce, terminal id. */
  hello(terminalId: string): Buffer {
    if (!this.nonce) throw new Error("HELLO needs the remote's NONCE first");
    return Buffer.concat([Buffer.of(LanMsg.HELLO), this.ecdh.getPublicKey(), this.nonce, str(terminalId)]);
  }

  /** HELLO_REPLY: a sealed frame; its body is the mode and the existing device ID. */
  openHelloReply(f: Uint8Array): HelloReply {
    const b = Buffer.from(f);
    refusal(b);
    if (b[0] !== LanMsg.HELLO_REPLY || b.length < 5 + 16) throw new Error("not a HELLO_REPLY");
    const body = this.open(b);
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
  /** The user saw a different code: the remote abandons the registration. */
  abort(): Buffer { return this.seal(LanMsg.ABORT, Buffer.alloc(0)); }

  /** A sealed status answer (STORED / ADDED_ACK), or the remote's ERROR. */
  status(f: Uint8Array, type: number): number {
    const b = Buffer.from(f);
    refusal(b);
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

/** The remote refused a frame (its ERROR), or answered STORED / ADDED_ACK with an error:
 *  the message is the sentence the app shows for `status` (result-codes.ts). */
export class LanRefused extends Error {
  constructor(readonly status: number, appliance?: string) { super(registrationRefusal(status, appliance)); }
}

/** Throws the remote's ERROR frame as a LanRefused. */
function refusal(b: Buffer): void {
  if (b[0] === LanMsg.ERROR) throw new LanRefused(b.length > 1 ? (b[1] << 24) >> 24 : -10);
}

function nonce(direction: number, counter: number): Buffer {
  const n = Buffer.alloc(12);
  n[0] = direction;
  n.writeUInt32BE(counter, 8);
  return n;
}
