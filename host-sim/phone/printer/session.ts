// The phone's side of the printer's local session (the printer's PROTOCOL.md §2): the water heater's
// handshake with the app's long-term P-256 key (so the printer knows the phone as
// SHA-256 of that key) and no terminal id or code, then sealed request/answer frames.
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, type ECDH } from "node:crypto";
import type { RandomSource } from "../seeded-random.ts";
import type { FramePort } from "./radio.ts";
import {
  PrinterMsg, PT_LEN, PWT_LEN, MIN_CWT, MAX_CWT, MAX_PRINT_PAGES,
  type HelloReply, type PrintedReply, type PtReply, type StatusReply, type SvwtReply,
} from "./messages.ts";

const NONCE_LEN = 16, PUBLIC_LEN = 65, TAG_LEN = 16;

/** The app's long-term key pair: made once per installed app, kept across sessions (and,
 *  given `kept`, across runs: the private key the app's store held). */
export class PhoneKey {
  readonly ecdh: ECDH = createECDH("prime256v1");
  constructor(random: RandomSource, kept?: Buffer) {
    if (kept) { this.ecdh.setPrivateKey(kept); return; }
    for (;;) {
      try { this.ecdh.setPrivateKey(random.bytes(32)); break; } catch { /* out of range: draw again */ }
    }
  }
  /** For the app's own store (app-store.ts) alone: never logged, never sent. */
  get privateKey(): Buffer { return this.ecdh.getPrivateKey(); }
  get publicKey(): Buffer { return this.ecdh.getPublicKey(); }
  /** What the printer binds a PT to: SHA-256 of the public key. */
  get phoneId(): Buffer { return createHash("sha256").update(this.publicKey).digest(); }
}

/** The printer answered ERROR (plain): the frame changed nothing. */
export class PrinterRefused extends Error {
  constructor(readonly status: number, what: string) { super(`the printer refused ${what} (status ${status})`); }
}

const str = (s: string) => { const b = Buffer.from(s, "utf8"); return Buffer.concat([Buffer.of(b.length), b]); };
const i8 = (b: Buffer, i: number) => (b[i] << 24) >> 24;

function frameNonce(direction: number, counter: number): Buffer {
  const n = Buffer.alloc(12);
  n[0] = direction;
  n.writeUInt32BE(counter, 8);
  return n;
}

/** One session on one link. `binding` is what secure-session binds to: the label, plus
 *  " link <id>" on every link but the LAN (firmware/modules/secure-session/README.md). */
export class PrinterSession {
  private key: Buffer | null = null;
  private sendCounter = 0;
  private recvCounter = 0;
  hello: HelloReply | null = null;

  constructor(private readonly phone: PhoneKey, private readonly port: FramePort, readonly binding: string, private readonly timeoutMs = 5000) {}

  /** Handshake steps 1-4 (NONCE_REQUEST, NONCE, HELLO, HELLO_REPLY). */
  async open(): Promise<HelloReply> {
    const pub = this.phone.publicKey;
    const commit = createHash("sha256").update(Buffer.from(`${this.binding} commit`)).update(pub).digest();
    const nonceFrame = Buffer.from(await this.port.request(Buffer.concat([Buffer.of(PrinterMsg.NONCE_REQUEST), commit]), this.timeoutMs));
    refusal(nonceFrame, "the session request");
    if (nonceFrame[0] !== PrinterMsg.NONCE || nonceFrame.length !== 1 + NONCE_LEN + PUBLIC_LEN) throw new Error("the printer's NONCE is malformed");
    const nonce = nonceFrame.subarray(1, 1 + NONCE_LEN), printerPub = nonceFrame.subarray(1 + NONCE_LEN);
    const shared = this.phone.ecdh.computeSecret(printerPub);
    const k = createHmac("sha256", shared).update(Buffer.concat([Buffer.from(this.binding), pub, printerPub, nonce])).digest();
    this.key = k.subarray(0, 16);
    this.sendCounter = 0;
    this.recvCounter = 0;
    const reply = this.open_(await this.port.request(Buffer.concat([Buffer.of(PrinterMsg.HELLO), pub, nonce]), this.timeoutMs), PrinterMsg.HELLO_REPLY, "HELLO");
    const n = reply[1];
    if (reply.length !== 2 + n || n === 0) throw new Error("the printer's HELLO_REPLY is malformed");
    this.hello = { state: reply[0], serial: reply.subarray(2, 2 + n).toString("utf8") };
    return this.hello;
  }

  /** ROUTER (S27): the router's credential as an NDEF message; the join's status (S29). */
  async router(ndef: Uint8Array): Promise<number> {
    const b = await this.call(PrinterMsg.ROUTER, Buffer.from(ndef), PrinterMsg.ROUTER_RESULT, "the router credential", 15000);
    return i8(b, 0);
  }

  /** PT_REQUEST (S31-S35) with the PWT read by touch. */
  async requestPt(pwt: Uint8Array): Promise<PtReply> {
    if (pwt.length !== PWT_LEN) throw new RangeError("a PWT is 8 bytes");
    const b = await this.call(PrinterMsg.PT_REQUEST, Buffer.from(pwt), PrinterMsg.PT, "the PT request");
    const status = i8(b, 0);
    if (status !== 0) return { status };
    if (b.length !== 1 + PT_LEN) throw new Error("the printer's PT is malformed");
    return { status, pt: Buffer.from(b.subarray(1)) };
  }

  /** PT_DELETE (S39). */
  async deletePt(pt: Uint8Array): Promise<number> {
    return i8(await this.call(PrinterMsg.PT_DELETE, Buffer.from(pt), PrinterMsg.REPLY, "the PT deletion"), 0);
  }

  /** REGISTER (S53): the device id and password the cloud registered. */
  async register(pt: Uint8Array, deviceId: string, password: string): Promise<number> {
    return i8(await this.call(PrinterMsg.REGISTER, Buffer.concat([Buffer.from(pt), str(deviceId), str(password)]), PrinterMsg.REPLY, "the registration"), 0);
  }

  /** STATUS (S63-S65). */
  async status(pt: Uint8Array): Promise<StatusReply> {
    const b = await this.call(PrinterMsg.STATUS, Buffer.from(pt), PrinterMsg.STATUS_REPLY, "the status request");
    if (b.length !== 8) throw new Error("the printer's STATUS_REPLY is malformed");
    return { status: i8(b, 0), registered: b[1] === 1, pages: b.readUInt32BE(2), ink: b[6], svwtHeld: b[7] === 1 };
  }

  /** SVWT_GET (S67-S75). */
  async svwt(pt: Uint8Array): Promise<SvwtReply> {
    const b = await this.call(PrinterMsg.SVWT_GET, Buffer.from(pt), PrinterMsg.SVWT, "the SVWT request");
    const status = i8(b, 0);
    return status === 0 ? { status, svwt: Buffer.from(b.subarray(1)) } : { status };
  }

  /** CHARGE (S99): hands the printer a CWT to redeem at the cloud. */
  async charge(pt: Uint8Array, cwt: Uint8Array): Promise<number> {
    if (cwt.length < MIN_CWT || cwt.length > MAX_CWT) throw new RangeError("a CWT is 16..64 bytes");
    const body = Buffer.concat([Buffer.from(pt), Buffer.of(cwt.length), Buffer.from(cwt)]);
    return i8(await this.call(PrinterMsg.CHARGE, body, PrinterMsg.CHARGE_ACK, "the charge"), 0);
  }

  /** PRINT (S121-S125) with the PWT read by touch. */
  async print(pwt: Uint8Array, pages: number): Promise<PrintedReply> {
    if (!Number.isInteger(pages) || pages < 1 || pages > MAX_PRINT_PAGES) throw new RangeError(`pages 1..${MAX_PRINT_PAGES}`);
    const body = Buffer.alloc(PWT_LEN + 2);
    Buffer.from(pwt).copy(body);
    body.writeUInt16BE(pages, PWT_LEN);
    const b = await this.call(PrinterMsg.PRINT, body, PrinterMsg.PRINTED, "the print order");
    if (b.length !== 5) throw new Error("the printer's PRINTED is malformed");
    return { status: i8(b, 0), pagesLeft: b.readUInt32BE(1) };
  }

  /** A sealed frame of any type (tests send wrong ones on purpose). */
  seal(type: number, body: Buffer): Buffer {
    const c = createCipheriv("aes-128-gcm", this.requireKey(), frameNonce(0x01, this.sendCounter));
    c.setAAD(Buffer.of(type));
    const ct = Buffer.concat([c.update(body), c.final(), c.getAuthTag()]);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.sendCounter++);
    return Buffer.concat([Buffer.of(type), counter, ct]);
  }

  private async call(type: number, body: Buffer, answer: number, what: string, timeoutMs = this.timeoutMs): Promise<Buffer> {
    return this.open_(await this.port.request(this.seal(type, body), timeoutMs), answer, what);
  }

  private open_(frame: Uint8Array, type: number, what: string): Buffer {
    const f = Buffer.from(frame);
    refusal(f, what);
    if (f[0] !== type || f.length < 5 + TAG_LEN) throw new Error(`expected message 0x${type.toString(16)} for ${what}, got 0x${(f[0] ?? 0).toString(16)}`);
    const counter = f.readUInt32BE(1);
    if (counter !== this.recvCounter) throw new Error("replayed or reordered frame from the printer");
    const d = createDecipheriv("aes-128-gcm", this.requireKey(), frameNonce(0x02, counter));
    d.setAAD(f.subarray(0, 1));
    d.setAuthTag(f.subarray(f.length - TAG_LEN));
    const body = Buffer.concat([d.update(f.subarray(5, f.length - TAG_LEN)), d.final()]);
    this.recvCounter++;
    return body;
  }

  private requireKey(): Buffer {
    if (!this.key) throw new Error("no session with the printer yet");
    return this.key;
  }
}

function refusal(b: Buffer, what: string): void {
  if (b[0] === PrinterMsg.ERROR) throw new PrinterRefused(b.length > 1 ? i8(b, 1) : -10, what);
}
