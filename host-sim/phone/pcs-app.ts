// The power conditioner's phone app over BLE (firmware/images/power-conditioner/PROTOCOL.md
// §3, the seed's operation example 2): the secure session as the initiator, the code its
// user compares with the PCS's screen before a credential leaves the phone, then AUTH,
// READ, CHANGE, DELETE and CLOSE as sealed frames. The credential's digits go into one
// sealed AUTH frame and nowhere else (not the app's screen, not its log).
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, type ECDH } from "node:crypto";
import { Link } from "../board/abi-constants.ts";
import { BleMsg, PCS_BLE_LABEL, type AuthResult, type ItemAnswer, type ItemResult } from "../appliances/power-conditioner/ble.ts";
import { ITEM_NAMES, showItem } from "../appliances/power-conditioner/items.ts";
import type { RandomSource } from "./seeded-random.ts";

const NONCE_LEN = 16, PUBLIC_LEN = 65, TAG_LEN = 16;
/** What secure-session binds a BLE session to: the label and the link. */
export const PCS_BLE_BINDING = `${PCS_BLE_LABEL} link ${Link.BLE}`;

const i8 = (b: Buffer, i: number) => (b[i] << 24) >> 24;

/** The PCS answered ERROR (plain), or a sealed answer that is not the one asked for. */
export class PcsRefused extends Error {
  constructor(readonly status: number, what: string) { super(`the power conditioner refused ${what} (status ${status})`); }
}

/** The user saw different codes: the app sent nothing but CLOSE. */
export class CodeMismatch extends Error {
  constructor() { super("the codes differ: the app closed the session and sent no credential"); }
}

/** The phone's end of the BLE link (the radio model's LinkPort is one). */
export interface BlePort {
  request(frame: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Sends a frame that gets no answer. */
  send(frame: Uint8Array): Promise<unknown>;
}

function frameNonce(direction: number, counter: number): Buffer {
  const n = Buffer.alloc(12);
  n[0] = direction;
  n.writeUInt32BE(counter, 8);
  return n;
}

/** One BLE session with a PCS: the phone is the initiator (commitment first). */
export class PcsBleSession {
  private readonly ecdh: ECDH = createECDH("prime256v1");
  private key: Buffer | null = null;
  private sendCounter = 0;
  private recvCounter = 0;
  /** The six digits both sides show, once the PCS's NONCE was taken. */
  code = "";

  constructor(random: RandomSource, private readonly port: BlePort, private readonly timeoutMs = 5000) {
    for (;;) {
      try { this.ecdh.setPrivateKey(random.bytes(32)); break; } catch { /* out of range: draw again */ }
    }
  }

  /** NONCE_REQUEST, NONCE, HELLO, HELLO_REPLY; the code. */
  async open(): Promise<string> {
    const pub = this.ecdh.getPublicKey();
    const commit = createHash("sha256").update(`${PCS_BLE_BINDING} commit`).update(pub).digest();
    const nonceFrame = Buffer.from(await this.port.request(Buffer.concat([Buffer.of(BleMsg.NONCE_REQUEST), commit]), this.timeoutMs));
    refusal(nonceFrame, "the session request");
    if (nonceFrame[0] !== BleMsg.NONCE || nonceFrame.length !== 1 + NONCE_LEN + PUBLIC_LEN) throw new Error("the power conditioner's NONCE is malformed");
    const nonce = nonceFrame.subarray(1, 1 + NONCE_LEN), pcsPub = nonceFrame.subarray(1 + NONCE_LEN);
    const k = createHmac("sha256", this.ecdh.computeSecret(pcsPub)).update(Buffer.concat([Buffer.from(PCS_BLE_BINDING), pub, pcsPub, nonce])).digest();
    this.key = k.subarray(0, 16);
    this.code = String(createHmac("sha256", k).update(`${PCS_BLE_BINDING} code`).digest().readUInt32BE(0) % 1_000_000).padStart(6, "0");
    this.sendCounter = 0;
    this.recvCounter = 0;
    this.openSealed(await this.port.request(Buffer.concat([Buffer.of(BleMsg.HELLO), pub, nonce]), this.timeoutMs), BleMsg.HELLO_REPLY, "HELLO");
    return this.code;
  }

  /** A sealed request and its sealed answer's body. */
  async call(type: number, body: Uint8Array, answer: number, what: string): Promise<Buffer> {
    return this.openSealed(await this.port.request(this.seal(type, body), this.timeoutMs), answer, what);
  }

  /** A sealed frame of any type (tests send wrong ones on purpose). */
  seal(type: number, body: Uint8Array): Buffer {
    if (!this.key) throw new Error("no session with the power conditioner yet");
    const c = createCipheriv("aes-128-gcm", this.key, frameNonce(0x01, this.sendCounter));
    c.setAAD(Buffer.of(type));
    const ct = Buffer.concat([c.update(body), c.final(), c.getAuthTag()]);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.sendCounter++);
    return Buffer.concat([Buffer.of(type), counter, ct]);
  }

  /** Forgets the session key (after CLOSE). */
  forget(): void { this.key?.fill(0); this.key = null; }

  private openSealed(frame: Uint8Array, type: number, what: string): Buffer {
    const f = Buffer.from(frame);
    refusal(f, what);
    if (!this.key) throw new Error("no session with the power conditioner yet");
    if (f[0] !== type || f.length < 5 + TAG_LEN) throw new Error(`expected message 0x${type.toString(16)} for ${what}, got 0x${(f[0] ?? 0).toString(16)}`);
    const counter = f.readUInt32BE(1);
    if (counter !== this.recvCounter) throw new Error("replayed or reordered frame from the power conditioner");
    const d = createDecipheriv("aes-128-gcm", this.key, frameNonce(0x02, counter));
    d.setAAD(f.subarray(0, 1));
    d.setAuthTag(f.subarray(f.length - TAG_LEN));
    const body = Buffer.concat([d.update(f.subarray(5, f.length - TAG_LEN)), d.final()]);
    this.recvCounter++;
    return body;
  }
}

function refusal(b: Buffer, what: string): void {
  if (b[0] === BleMsg.ERROR) throw new PcsRefused(b.length > 1 ? i8(b, 1) : -10, what);
}

export interface PcsAppOptions {
  /** The phone's owner, for its screen ("worker", "alice"). */
  name: string;
  random: RandomSource;
  /** The phone's BLE link to the PCS. */
  ble: () => BlePort;
  /** The user compares the app's code with the PCS's screen: true when they are the same. */
  confirmCode: (appCode: string) => Promise<boolean>;
}

/** The app: one session at a time; every answer is also a line on its screen. */
export class PcsApp {
  private session: PcsBleSession | null = null;
  /** What the app's screen shows, newest last (never a credential or a device key). */
  readonly screen: string[] = [];

  constructor(private readonly o: PcsAppOptions) {}

  get connected(): boolean { return this.session !== null; }

  /** Opens the session; the user compares the codes before anything else is sent. */
  async connect(): Promise<string> {
    const s = new PcsBleSession(this.o.random, this.o.ble());
    const code = await s.open();
    this.show(`Check the code on the power conditioner: ${code}`);
    if (!(await this.o.confirmCode(code))) {
      this.session = s;
      await this.close();
      this.show("The codes differ: nothing was sent.");
      throw new CodeMismatch();
    }
    this.session = s;
    return code;
  }

  /** AUTH: the credential (kind 1 server-issued, 2 maintenance). */
  async auth(kind: number, digits: string): Promise<AuthResult> {
    if (!/^\d{1,32}$/.test(digits)) throw new RangeError("a credential is 1..32 digits");
    const d = Buffer.from(digits, "ascii");
    const b = await this.require().call(BleMsg.AUTH, Buffer.concat([Buffer.of(kind, d.length), d]), BleMsg.AUTH_RESULT, "the credential");
    if (b.length !== 4) throw new Error("the power conditioner's AUTH_RESULT is malformed");
    const r = { status: i8(b, 0), items: b[1], usesLeft: b[2], triesLeft: b[3] };
    this.show(r.status === 0 ? `Code accepted: you may change ${itemList(r.items)} (${r.usesLeft} uses left)`
      : `Code refused (status ${r.status}, ${r.triesLeft} tries left)`);
    return r;
  }

  async read(item: number): Promise<ItemAnswer> {
    const b = await this.require().call(BleMsg.READ, Buffer.of(item), BleMsg.ITEM, "the read");
    if (b.length < 2) throw new Error("the power conditioner's ITEM is malformed");
    const a = { item: b[0], status: i8(b, 1), value: Buffer.from(b.subarray(2)) };
    this.show(`${ITEM_NAMES[a.item] ?? a.item}: ${a.status === 0 ? showItem(a.item, a.value) : `status ${a.status}`}`);
    return a;
  }

  async change(item: number, value: Uint8Array): Promise<ItemResult> {
    return this.result(await this.require().call(BleMsg.CHANGE, Buffer.concat([Buffer.of(item), value]), BleMsg.RESULT, "the change"), "changed");
  }

  async delete(item: number): Promise<ItemResult> {
    return this.result(await this.require().call(BleMsg.DELETE, Buffer.of(item), BleMsg.RESULT, "the deletion"), "deleted");
  }

  /** CLOSE: the PCS ends the session and the grant; it answers nothing. */
  async close(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.session = null;
    await this.o.ble().send(s.seal(BleMsg.CLOSE, new Uint8Array(0)));
    s.forget();
    this.show("Disconnected.");
  }

  /** The session, for tests that send frames by hand. */
  get current(): PcsBleSession | null { return this.session; }

  private result(b: Buffer, verb: string): ItemResult {
    if (b.length !== 2) throw new Error("the power conditioner's RESULT is malformed");
    const r = { item: b[0], status: i8(b, 1) };
    this.show(`${ITEM_NAMES[r.item] ?? r.item}: ${r.status === 0 ? verb : `refused (status ${r.status})`}`);
    return r;
  }

  private require(): PcsBleSession {
    if (!this.session) throw new Error(`${this.o.name}'s app has no session with the power conditioner`);
    return this.session;
  }

  private show(line: string): void {
    this.screen.push(line);
    if (this.screen.length > 50) this.screen.splice(0, 25);
  }
}

function itemList(bits: number): string {
  const names = ITEM_NAMES.filter((_, i) => bits & (1 << i));
  return names.length === ITEM_NAMES.length ? "every item" : names.join(", ") || "nothing";
}
