// The phone's end of a secure session with the lock (modules/secure-session, the water
// heater's §1 handshake, label "lock-ble-v1" on Link.BLE): the phone is the initiator.
// Nobody compares codes at a car door (PROTOCOL.md §2): the session only seals the frames;
// what authenticates the phone is its grant and its proof. The ephemeral key comes from
// the OS and lives in this object only.
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac } from "node:crypto";
import { Link } from "../../board/abi-constants.ts";
import { LOCK_BLE_LABEL, LockBle } from "./frames.ts";

const NONCE_LEN = 16, PUBLIC_LEN = 65, TAG_LEN = 16;
/** What secure-session binds a BLE session to: the label and the link. */
export const LOCK_BLE_BINDING = `${LOCK_BLE_LABEL} link ${Link.BLE}`;

/** The phone's end of the BLE link to one lock (the radio model's LinkPort is one). */
export interface BlePort {
  request(frame: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Sends a frame that gets no answer. */
  send(frame: Uint8Array): Promise<unknown>;
}

/** The lock answered the plain ERROR frame (a frame refused outside the session). */
export class LockRefused extends Error {
  constructor(readonly status: number, what: string) { super(`the lock refused ${what} (status ${status})`); }
}

function frameNonce(direction: number, counter: number): Buffer {
  const n = Buffer.alloc(12);
  n[0] = direction;
  n.writeUInt32BE(counter, 8);
  return n;
}

export class LockBleSession {
  readonly #ecdh = createECDH("prime256v1");
  #key: Buffer | null = null;
  #sendCounter = 0;
  #recvCounter = 0;

  /** `ephemeral`: the session's private key (a seeded test phone); by default the OS's. */
  constructor(private readonly port: BlePort, private readonly timeoutMs = 5000, ephemeral?: Uint8Array) {
    if (ephemeral) this.#ecdh.setPrivateKey(ephemeral);
    else this.#ecdh.generateKeys();
  }

  /** NONCE_REQUEST, NONCE, HELLO, HELLO_REPLY; the serial the lock named in its sealed reply. */
  async open(): Promise<string> {
    const pub = this.#ecdh.getPublicKey();
    const commit = createHash("sha256").update(`${LOCK_BLE_BINDING} commit`).update(pub).digest();
    const nonceFrame = Buffer.from(await this.port.request(Buffer.concat([Buffer.of(LockBle.NONCE_REQUEST), commit]), this.timeoutMs));
    refusal(nonceFrame, "the session request");
    if (nonceFrame[0] !== LockBle.NONCE || nonceFrame.length !== 1 + NONCE_LEN + PUBLIC_LEN) throw new Error("the lock's NONCE is malformed");
    const nonce = nonceFrame.subarray(1, 1 + NONCE_LEN), lockPub = nonceFrame.subarray(1 + NONCE_LEN);
    const k = createHmac("sha256", this.#ecdh.computeSecret(lockPub)).update(Buffer.concat([Buffer.from(LOCK_BLE_BINDING), pub, lockPub, nonce])).digest();
    this.#key = k.subarray(0, 16);
    k.fill(0, 16);
    this.#sendCounter = 0;
    this.#recvCounter = 0;
    const reply = this.openSealed(await this.port.request(Buffer.concat([Buffer.of(LockBle.HELLO), pub, nonce]), this.timeoutMs), LockBle.HELLO_REPLY, "HELLO");
    if (reply.length < 2 || reply[0] !== reply.length - 1) throw new Error("the lock's HELLO_REPLY is malformed");
    return reply.toString("latin1", 1);
  }

  /** A sealed request and its sealed answer's body. */
  async call(type: number, body: Uint8Array, answer: number, what: string): Promise<Buffer> {
    return this.openSealed(await this.port.request(this.seal(type, body), this.timeoutMs), answer, what);
  }

  /** CLOSE (no answer); the session key is forgotten. */
  async close(): Promise<void> {
    if (!this.#key) return;
    const frame = this.seal(LockBle.CLOSE, new Uint8Array(0));
    this.#key.fill(0);
    this.#key = null;
    await this.port.send(frame);
  }

  private seal(type: number, body: Uint8Array): Buffer {
    if (!this.#key) throw new Error("no session with the lock");
    const c = createCipheriv("aes-128-gcm", this.#key, frameNonce(0x01, this.#sendCounter));
    c.setAAD(Buffer.of(type));
    const ct = Buffer.concat([c.update(body), c.final(), c.getAuthTag()]);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.#sendCounter++);
    return Buffer.concat([Buffer.of(type), counter, ct]);
  }

  private openSealed(frame: Uint8Array, type: number, what: string): Buffer {
    const f = Buffer.from(frame);
    refusal(f, what);
    if (!this.#key) throw new Error("no session with the lock");
    if (f[0] !== type || f.length < 5 + TAG_LEN) throw new Error(`expected message 0x${type.toString(16)} for ${what}, got 0x${(f[0] ?? 0).toString(16)}`);
    const counter = f.readUInt32BE(1);
    if (counter !== this.#recvCounter) throw new Error("replayed or reordered frame from the lock");
    const d = createDecipheriv("aes-128-gcm", this.#key, frameNonce(0x02, counter));
    d.setAAD(f.subarray(0, 1));
    d.setAuthTag(f.subarray(f.length - TAG_LEN));
    const body = Buffer.concat([d.update(f.subarray(5, f.length - TAG_LEN)), d.final()]);
    this.#recvCounter++;
    return body;
  }
}

function refusal(b: Buffer, what: string): void {
  if (b[0] === LockBle.ERROR) throw new LockRefused(b.length > 1 ? (b[1] << 24) >> 24 : -10, what);
}
