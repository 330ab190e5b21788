// A printer and its cloud written in TypeScript from PRINTER-CONTRACT.md §1-§5, for the
// phone apps' unit tests (test/printer-home-apps.test.ts) while and besides the firmware:
// the real handshake and sealed frames, the tap answers, the tokens' rules as the phone
// sees them. It is a test double of the image's behaviour, never used by the home.
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { encodeHandover, decodeHandover, Tnf } from "../../host-sim/phone/handover.ts";
import { E_AUTH, E_MALFORMED, E_NOTFOUND, E_STATE, E_UNSUPPORTED, E_LOCKED } from "../../host-sim/board/errors.ts";
import { Link } from "../../host-sim/board/abi-constants.ts";
import {
  BleMsg, EXCHANGE_URI, LAN_LABEL, MANAGE_APP, PRINT_APP, PrinterMsg, PWT_RECORD, RECHARGE_URI, SVWT_RECORD, WFD_LABEL,
} from "../../host-sim/phone/printer/messages.ts";
import type { FramePort, AppRadio } from "../../host-sim/phone/printer/radio.ts";
import type { PrinterCloudApi, PrinterCloudStatus, SvtGrant } from "../../host-sim/phone/printer/cloud.ts";
import { CloudError } from "../../host-sim/phone/cloud-client.ts";

const u = (s: string) => Buffer.from(s);
const eq = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

interface Session { binding: string; commit?: Buffer; nonce?: Buffer; ecdh?: ReturnType<typeof createECDH>; key?: Buffer; phoneId?: Buffer; tx: number; rx: number; refused: number }

export class FakePrinter {
  serial = "PR-0001";
  pages = 0;
  ink = 100;
  onRouter = false;
  credentials: { deviceId: string; password: string } | null = null;
  st: Buffer | null = null;
  svwt: Buffer | null = null;
  pwt = randomBytes(8);
  pt: { pt: Buffer; phoneId: Buffer } | null = null;
  group: { ssid: Buffer; pass: Buffer } | null = null;
  connectWindow = false;
  /** Every frame the printer refused, with its status (tests look at them). */
  readonly refusals: number[] = [];
  private readonly sessions = new Map<number, Session>();
  cloud!: FakePrinterCloud;

  constructor(readonly router: { ssid: string; key: string }) {}

  get registered(): boolean { return this.st !== null; }

  /** NFC read (contract §2). */
  tap(): Buffer {
    const others = [];
    let app = MANAGE_APP, uri: string | undefined, withGroup = false;
    if (!this.registered) withGroup = true;
    else if (this.pages < 20 || this.ink < 15) uri = this.pages < 20 ? RECHARGE_URI : EXCHANGE_URI;
    else { withGroup = true; app = PRINT_APP; }
    if (withGroup) {
      this.startGroup();
      others.push({ tnf: Tnf.EXTERNAL, type: u(PWT_RECORD), id: Buffer.alloc(0), payload: this.pwt });
    } else if (this.svwt) others.push({ tnf: Tnf.EXTERNAL, type: u(SVWT_RECORD), id: Buffer.alloc(0), payload: this.svwt });
    const e = encodeHandover({
      select: withGroup, others, uri, androidPackage: app,
      wifiDirect: withGroup ? { deviceAddress: Buffer.alloc(6, 2), ssid: this.group!.ssid, passphrase: this.group!.pass,
        deviceCapability: 0, groupCapability: 1, country: Buffer.alloc(0), operatingClass: 0, channel: 0 } : undefined,
    });
    if (!e.ok) throw new Error(`fake printer cannot encode its answer ${e.error}`);
    return Buffer.from(e.value);
  }

  ble(frame: Buffer): Buffer {
    if (frame.length !== 1 || frame[0] !== BleMsg.READ_HANDOVER) return Buffer.of(BleMsg.ERROR, E_MALFORMED & 0xff);
    if (!this.connectWindow) return Buffer.of(BleMsg.ERROR, E_STATE & 0xff);
    this.connectWindow = false;
    return Buffer.concat([Buffer.of(BleMsg.HANDOVER), this.tap()]);
  }

  startGroup(): void {
    if (this.group) return;
    this.group = { ssid: u(`DIRECT-${"xy"}-Printer`), pass: u(randomBytes(12).toString("base64url").slice(0, 16)) };
  }
  endGroup(): void { this.group = null; this.sessions.delete(Link.WIFI_DIRECT); }

  /** One frame on Wi-Fi Direct or the LAN; its answer. */
  frame(link: number, f: Buffer): Buffer {
    const binding = link === Link.LAN ? LAN_LABEL : `${WFD_LABEL} link ${link}`;
    let s = this.sessions.get(link);
    if (f[0] === PrinterMsg.NONCE_REQUEST && f.length === 33) {
      s = { binding, commit: f.subarray(1), tx: 0, rx: 0, refused: s?.refused ?? 0, nonce: randomBytes(16), ecdh: createECDH("prime256v1") };
      s.ecdh!.generateKeys();
      this.sessions.set(link, s);
      return Buffer.concat([Buffer.of(PrinterMsg.NONCE), s.nonce!, s.ecdh!.getPublicKey()]);
    }
    if (!s) return this.refuse(E_STATE);
    if (f[0] === PrinterMsg.HELLO && !s.key) {
      if (f.length !== 1 + 65 + 16) return this.refuseIn(s, link, E_MALFORMED);
      const pub = f.subarray(1, 66), nonce = f.subarray(66);
      const commit = createHash("sha256").update(u(`${binding} commit`)).update(pub).digest();
      if (!eq(commit, s.commit!) || !eq(nonce, s.nonce!)) return this.refuseIn(s, link, E_AUTH);
      const k = createHmac("sha256", s.ecdh!.computeSecret(pub)).update(Buffer.concat([u(binding), pub, s.ecdh!.getPublicKey(), nonce])).digest();
      s.key = k.subarray(0, 16);
      s.phoneId = createHash("sha256").update(pub).digest();
      const state = this.registered ? 2 : this.onRouter ? 1 : 0;
      return this.seal(s, PrinterMsg.HELLO_REPLY, Buffer.concat([Buffer.of(state, this.serial.length), u(this.serial)]));
    }
    const body = this.open(s, f);
    if (!body) return this.refuseIn(s, link, E_AUTH);
    const answer = this.handle(link, s, f[0], body);
    if (typeof answer === "number") return this.refuseIn(s, link, answer);
    return answer;
  }

  private handle(link: number, s: Session, type: number, b: Buffer): Buffer | number {
    const ptOk = () => b.length >= 32 && !!this.pt && eq(b.subarray(0, 32), this.pt.pt) && eq(this.pt.phoneId, s.phoneId!);
    const st = (n: number) => Buffer.of(n & 0xff);
    switch (type) {
      case PrinterMsg.ROUTER: {
        if (link !== Link.WIFI_DIRECT) return E_STATE;
        const h = decodeHandover(b);
        if (!h.ok) return h.error;
        if (!h.value.wifi) return E_MALFORMED;
        const ssid = Buffer.from(h.value.wifi.ssid).toString(), key = Buffer.from(h.value.wifi.networkKey).toString();
        const rc = ssid !== this.router.ssid ? E_NOTFOUND : key !== this.router.key ? E_AUTH : 0;
        const reply = this.seal(s, PrinterMsg.ROUTER_RESULT, st(rc));
        if (rc === 0) { this.onRouter = true; this.endGroup(); }
        return reply;
      }
      case PrinterMsg.PT_REQUEST: {
        if (b.length !== 8) return E_MALFORMED;
        if (!eq(b, this.pwt)) return E_AUTH;
        this.pwt = randomBytes(8);
        this.pt = { pt: randomBytes(32), phoneId: s.phoneId! };
        return this.seal(s, PrinterMsg.PT, Buffer.concat([st(0), this.pt.pt]));
      }
      case PrinterMsg.PT_DELETE:
        if (!ptOk() || b.length !== 32) return E_AUTH;
        this.pt = null;
        return this.seal(s, PrinterMsg.REPLY, st(0));
      case PrinterMsg.REGISTER: {
        if (link !== Link.LAN) return E_STATE;
        if (!ptOk()) return E_AUTH;
        const n = b[32], id = b.subarray(33, 33 + n).toString(), m = b[33 + n], pw = b.subarray(34 + n, 34 + n + m).toString();
        if (b.length !== 34 + n + m || n < 1 || m < 16) return E_MALFORMED;
        this.credentials = { deviceId: id, password: pw };
        // The printer's cloud link connects; the cloud hands it its ST after the first hello.
        setTimeout(() => { this.st = this.cloud.issueSt(this); }, 20);
        return this.seal(s, PrinterMsg.REPLY, st(0));
      }
      case PrinterMsg.STATUS: {
        if (!ptOk() || b.length !== 32) return E_AUTH;
        const r = Buffer.alloc(8);
        r[1] = this.registered ? 1 : 0; r.writeUInt32BE(this.pages, 2); r[6] = this.ink; r[7] = this.svwt ? 1 : 0;
        return this.seal(s, PrinterMsg.STATUS_REPLY, r);
      }
      case PrinterMsg.SVWT_GET:
        if (!ptOk() || b.length !== 32) return E_AUTH;
        if (!this.svwt) { setTimeout(() => { this.svwt = this.cloud.issueSvwt(this); }, 20); return this.seal(s, PrinterMsg.SVWT, st(E_NOTFOUND)); }
        return this.seal(s, PrinterMsg.SVWT, Buffer.concat([st(0), this.svwt]));
      case PrinterMsg.CHARGE: {
        if (!ptOk()) return E_AUTH;
        const n = b[32];
        if (b.length !== 33 + n || n < 16 || n > 64) return E_MALFORMED;
        const cwt = Buffer.from(b.subarray(33));
        setTimeout(() => { const p = this.cloud.redeem(this, cwt); if (p > 0) this.pages += p; }, 20);
        return this.seal(s, PrinterMsg.CHARGE_ACK, st(0));
      }
      case PrinterMsg.PRINT: {
        if (link !== Link.WIFI_DIRECT) return E_STATE;
        if (b.length !== 10) return E_MALFORMED;
        if (!eq(b.subarray(0, 8), this.pwt)) return E_AUTH;
        this.pwt = randomBytes(8);
        const pages = b.readUInt16BE(8);
        const r = Buffer.alloc(5);
        if (pages > this.pages) r[0] = 3;
        else { this.pages -= pages; this.ink = Math.max(0, this.ink - Math.floor(pages / 10)); }
        r.writeUInt32BE(this.pages, 1);
        return this.seal(s, PrinterMsg.PRINTED, r);
      }
    }
    return E_UNSUPPORTED;
  }

  private refuse(status: number): Buffer { this.refusals.push(status); return Buffer.of(PrinterMsg.ERROR, status & 0xff); }
  private refuseIn(s: Session, link: number, status: number): Buffer {
    if (++s.refused >= 5) { this.sessions.delete(link); return this.refuse(E_LOCKED); }
    return this.refuse(status);
  }

  private seal(s: Session, type: number, body: Buffer): Buffer {
    const c = createCipheriv("aes-128-gcm", s.key!, nonce(2, s.tx));
    c.setAAD(Buffer.of(type));
    const ct = Buffer.concat([c.update(body), c.final(), c.getAuthTag()]);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(s.tx++);
    return Buffer.concat([Buffer.of(type), counter, ct]);
  }

  private open(s: Session, f: Buffer): Buffer | null {
    if (!s.key || f.length < 21 || f.readUInt32BE(1) !== s.rx) return null;
    try {
      const d = createDecipheriv("aes-128-gcm", s.key, nonce(1, s.rx));
      d.setAAD(f.subarray(0, 1));
      d.setAuthTag(f.subarray(f.length - 16));
      const body = Buffer.concat([d.update(f.subarray(5, f.length - 16)), d.final()]);
      s.rx++;
      return body;
    } catch { return null; }
  }
}

function nonce(direction: number, counter: number): Buffer {
  const n = Buffer.alloc(12);
  n[0] = direction;
  n.writeUInt32BE(counter, 8);
  return n;
}

/** The cloud's side as one phone's client sees it: registrations, SVWT -> SVT (held),
 *  CWTs (single use), the one free charge per printer. */
export class FakePrinterCloud implements PrinterCloudApi {
  svt: SvtGrant | null = null;
  readonly registrations = new Map<string, string>();
  private readonly svwts = new Map<string, FakePrinter>();
  private readonly svts = new Map<string, FakePrinter>();
  private readonly cwts = new Map<string, number>();
  private readonly freeUsed = new Set<FakePrinter>();
  constructor(readonly printer: FakePrinter) { printer.cloud = this; }

  async register(deviceId: string, _password: string, serial: string): Promise<void> { this.registrations.set(deviceId, serial); }
  issueSt(_p: FakePrinter): Buffer { return randomBytes(32); }
  issueSvwt(p: FakePrinter): Buffer { const t = randomBytes(24); this.svwts.set(t.toString("hex"), p); return t; }
  async exchangeSvwt(svwt: Uint8Array) {
    const p = this.svwts.get(Buffer.from(svwt).toString("hex"));
    if (!p) throw new CloudError(403, "", "POST /api/printers/svt");
    this.svwts.delete(Buffer.from(svwt).toString("hex"));
    p.svwt = null;
    const svt = randomBytes(32).toString("base64url");
    this.svts.set(svt, p);
    this.svt = { svt, deviceId: p.credentials!.deviceId, expires: 1800 };
    return this.svt;
  }
  private grant(pages: number) { const cwt = randomBytes(32); this.cwts.set(cwt.toString("base64"), pages); return { cwt, pages }; }
  async freeCharge() {
    const p = this.who();
    if (this.freeUsed.has(p)) throw new CloudError(409, '{"error":"free charge already used"}', "POST /api/printers/free-charge");
    this.freeUsed.add(p);
    return this.grant(2000);
  }
  async purchase(pages: number) { this.who(); return this.grant(pages); }
  redeem(_p: FakePrinter, cwt: Buffer): number {
    const k = cwt.toString("base64"), pages = this.cwts.get(k) ?? 0;
    this.cwts.delete(k);
    return pages;
  }
  async status(): Promise<PrinterCloudStatus> {
    const p = this.who();
    return { deviceId: p.credentials!.deviceId, pages: p.pages, ink: p.ink, mirrorVersion: 0, charges: [], inkOrders: [] };
  }
  async orderInk() { this.who(); return 1; }
  private who(): FakePrinter {
    const p = this.svt ? this.svts.get(this.svt.svt) : undefined;
    if (!p) throw new CloudError(401, "", "SVT");
    return p;
  }
}

/** One phone's radios around one fake printer called "printer". */
export class FakeRadio implements AppRadio {
  joined = false;
  constructor(private readonly p: FakePrinter) {}
  async tap(): Promise<Uint8Array> { return this.p.tap(); }
  ble(): FramePort { return { request: async (f) => this.p.ble(Buffer.from(f)) }; }
  async joinGroup(ssid: Uint8Array, pass: Uint8Array): Promise<void> {
    const g = this.p.group;
    if (!g || !g.ssid.equals(Buffer.from(ssid)) || !g.pass.equals(Buffer.from(pass))) throw new Error("no such Wi-Fi Direct group");
    this.joined = true;
  }
  wifiDirect(): FramePort {
    return { request: async (f) => {
      if (!this.joined || !this.p.group) throw new Error("not in the printer's group");
      return this.p.frame(Link.WIFI_DIRECT, Buffer.from(f));
    } };
  }
  lan(): FramePort {
    return { request: async (f) => {
      if (!this.p.onRouter) throw new Error("the printer is not on the home network");
      return this.p.frame(Link.LAN, Buffer.from(f));
    } };
  }
  routerSsid(): string { return this.p.router.ssid; }
}
