// The printer maker's management app (seed 001 FIG. 5-7): first setup by a tap (Wi-Fi
// Direct, the router's credential, PT, registration with the cloud, ST, SVWT -> SVT), then
// charges (free once, paid) and ink orders. The user's choices are method calls; what
// the user types (the router key) comes from `askRouterKey`.
import { encodeHandover, AuthType, EncryptionType, WSC_VERSION_2_0 } from "../handover.ts";
import { uuid, osRandom, type RandomSource } from "../seeded-random.ts";
import { Link } from "../../board/abi-constants.ts";
import { PhoneKey, PrinterRefused, PrinterSession } from "./session.ts";
import { bleHandover, bleReadRequest, readTapAnswer } from "./tap.ts";
import { LAN_LABEL, PrinterState, RouterStatus, SVWT_NOT_YET, WFD_LABEL, type StatusReply, type TapAnswer } from "./messages.ts";
import type { AppRadio } from "./radio.ts";
import type { ChargeGrant, PrinterCloudApi } from "./cloud.ts";
import { CloudError } from "../cloud-client.ts";
import { E_AUTH, E_LOCKED, E_NOTFOUND } from "../../board/errors.ts";
import { AppStore } from "../app-store.ts";
import { readManageApp, type SavedManageApp } from "./app-state.ts";

export interface ManageAppOptions {
  /** The phone's name in the home ("alice"). */
  name: string;
  radio: AppRadio;
  cloud: PrinterCloudApi;
  random?: RandomSource;
  /** The user types the router's key: `attempt` counts from 1; null gives up. */
  askRouterKey(attempt: number): Promise<string | null>;
  /** How long to poll the printer for its ST and SVWT and for a charge to arrive. */
  pollMs?: number;
  /** Narration (the home's flow, a demo). */
  note?: (s: string) => void;
  /** Where the app keeps its key, PT, printer and SVT between runs (app-store.ts);
   *  absent: it forgets them when it ends. */
  stateFile?: string;
}

export type TapVia = "nfc" | "ble";

export class SetupFailed extends Error {}

/** The app's session key for a link. */
const wfdBinding = `${WFD_LABEL} link ${Link.WIFI_DIRECT}`;

/** How the printer refuses a PT it no longer takes: replaced by another phone's (or not
 *  this phone's), idled out or deleted, dropped after too many failures. */
const PT_GONE: readonly number[] = [E_AUTH, E_NOTFOUND, E_LOCKED];

export class PrinterManageApp {
  screen: string;
  readonly key: PhoneKey;
  /** The PWT of the last tap, until it is used: it gets a new PT when the printer no
   *  longer takes the one held (S31 again, over the LAN). */
  private tapPwt: Buffer | null = null;
  private readonly random: RandomSource;
  private readonly store: AppStore<SavedManageApp> | null;
  private saved: SavedManageApp;

  constructor(readonly o: ManageAppOptions) {
    this.random = o.random ?? osRandom;
    this.store = o.stateFile ? new AppStore(o.stateFile, readManageApp) : null;
    this.saved = this.store?.load() ?? readManageApp({});
    this.key = new PhoneKey(this.random, this.saved.key ? Buffer.from(this.saved.key, "hex") : undefined);
    if (this.saved.svt) o.cloud.useSvt?.(this.saved.svt);
    this.keep({ key: this.key.privateKey.toString("hex") });
    this.screen = `Printer app (${o.name})\nTap your printer`;
  }

  /** The PT this phone holds for the printer (S35), kept for later control. */
  get pt(): Buffer | null { return this.saved.pt ? Buffer.from(this.saved.pt, "hex") : null; }
  set pt(pt: Buffer | null) { this.keep({ pt: pt ? pt.toString("hex") : null }); }
  /** The printer's registration (its device ID at the cloud). */
  get deviceId(): string | null { return this.saved.deviceId; }
  set deviceId(id: string | null) { this.keep({ deviceId: id }); }
  get serial(): string | null { return this.saved.serial; }
  set serial(serial: string | null) { this.keep({ serial }); }

  private keep(change: Partial<SavedManageApp>): void {
    this.saved = { ...this.saved, ...change };
    this.store?.save(this.saved);
  }

  /** S18-S21: touch the printer (NFC) or read it over BLE in its CONNECT window. */
  async tap(device: string, via: TapVia = "nfc"): Promise<TapAnswer> {
    const r = this.o.radio;
    const ndef = via === "nfc" ? await r.tap(device) : bleHandover(await r.ble(device).request(bleReadRequest(), 5000));
    const answer = readTapAnswer(ndef);
    this.tapPwt = answer.pwt ?? null;
    this.note(`read the printer's ${via === "nfc" ? "tag" : "BLE handover"}: ${answer.kind}${answer.svwt ? " (with SVWT)" : ""}`);
    return answer;
  }

  /** FIG. 5: the whole first setup from a tap answer of kind "setup". */
  async setup(device: string, answer: TapAnswer): Promise<{ deviceId: string; svt: string }> {
    if (answer.kind !== "setup" || !answer.group || !answer.pwt) throw new SetupFailed(`the printer is not waiting for setup (its answer: ${answer.kind})`);
    this.show("Setting up\nConnecting to the printer...");
    await this.o.radio.joinGroup(answer.group.ssid, answer.group.passphrase);                // S23-S25
    const wfd = new PrinterSession(this.key, this.o.radio.wifiDirect(device), wfdBinding);
    const hello = await wfd.open();
    this.serial = hello.serial;
    if (hello.state === PrinterState.UNCONFIGURED) await this.sendRouter(wfd);               // S27-S29
    const lan = await this.lan(device);
    if (this.tapPwt?.equals(answer.pwt)) this.tapPwt = null;                                // used up here
    const pt = await lan.requestPt(answer.pwt);                                              // S31-S35
    if (pt.status !== 0 || !pt.pt) throw new SetupFailed(`the printer gave no PT (${pt.status})`);
    this.pt = pt.pt;
    if (hello.state !== PrinterState.REGISTERED || !(await lan.status(this.pt)).registered) {
      const deviceId = uuid(this.random);
      const password = this.random.bytes(24).toString("base64url");
      this.show("Setting up\nRegistering the printer...");
      await this.o.cloud.register(deviceId, password, hello.serial);                          // S51
      const rc = await lan.register(this.pt, deviceId, password);                            // S53
      if (rc !== 0) throw new SetupFailed(`the printer refused the registration (${rc})`);
      this.deviceId = deviceId;
      await this.pollStatus(lan, (s) => s.registered, "the printer's server token");        // S55-S65
    }
    const svt = await this.exchangeSvwt(device, undefined, lan);                             // S67-S81
    this.show(`Printer ready\n${hello.serial} is set up.`);
    return { deviceId: this.deviceId!, svt };
  }

  /** S67-S81: the printer's SVWT (fetched from the cloud on demand), exchanged for an SVT. */
  async exchangeSvwt(device: string, svwt?: Uint8Array, session?: PrinterSession): Promise<string> {
    let token = svwt;
    if (!token) {
      const lan = session ?? await this.lan(device);
      const end = Date.now() + this.pollMs();
      for (;;) {
        const r = await lan.svwt(this.requirePt());
        if (r.status === 0 && r.svwt) { token = r.svwt; break; }
        if (r.status !== SVWT_NOT_YET || Date.now() > end) throw new SetupFailed(`the printer has no SVWT (${r.status})`);
        await sleep(100);
      }
    }
    const grant = await this.o.cloud.exchangeSvwt(token);
    this.keep({ deviceId: grant.deviceId, svt: { svt: grant.svt, deviceId: grant.deviceId, expires: grant.expires } });
    this.note(`exchanged the SVWT for an SVT (printer ${grant.deviceId})`);
    return grant.svt;
  }

  /** The SVT for what a tap answered (S116): the one the app holds while the cloud still
   *  takes it (each use restarts its 30 min), else the answer's SVWT exchanged. Keeping it
   *  spares the printer's SVWT, which the printer replaces only once the cloud's report of
   *  the exchange reached it. */
  async serviceToken(device: string, answer: TapAnswer): Promise<void> {
    if (this.o.cloud.svt) {
      try {
        await this.o.cloud.status();
        return;
      } catch (e) {
        if (!(e instanceof CloudError && e.status === 401)) throw e;
      }
    }
    if (!answer.svwt) throw new SetupFailed("the printer has no service token to hand out yet: tap again in a moment");
    await this.exchangeSvwt(device, answer.svwt);
  }

  /** FIG. 6: the one free charge (S85-S115). Returns the printer's pages after it. */
  freeCharge(device: string): Promise<number> {
    return this.charge(device, () => this.o.cloud.freeCharge(), "free charge");
  }

  /** A paid charge of `pages`. */
  purchase(device: string, pages: number): Promise<number> {
    return this.charge(device, () => this.o.cloud.purchase(pages), `purchase of ${pages} pages`);
  }

  /** S117-S119: order a cartridge for the printer the SVT names. */
  async orderInk(): Promise<number> {
    const id = await this.o.cloud.orderInk();
    this.show(`Ink ordered\nOrder ${id}`);
    return id;
  }

  /** Local status over the LAN (needs the PT). */
  async status(device: string): Promise<StatusReply> { return (await this.lan(device)).status(this.requirePt()); }

  /** S39: the phone gives its PT back. */
  async deletePt(device: string): Promise<number> {
    const rc = await (await this.lan(device)).deletePt(this.requirePt());
    if (rc === 0) this.pt = null;
    return rc;
  }

  private async charge(device: string, grant: () => Promise<ChargeGrant>, what: string): Promise<number> {
    const lan = await this.lan(device);
    const before = (await this.statusWithPt(lan)).pages;
    const g = await grant();
    const rc = await lan.charge(this.requirePt(), g.cwt);                           // S99
    if (rc !== 0) throw new SetupFailed(`the printer refused the ${what} (${rc})`);
    const after = await this.pollStatus(lan, (s) => s.pages >= before + g.pages, `the ${what}'s pages`);   // S105-S115
    this.show(`Charged\n${after.pages} pages`);
    return after.pages;
  }

  /** STATUS with a PT the printer takes: the one held, or, when there is none or the
   *  printer refuses it (idled out after 30 min, replaced by another phone's), a new one
   *  for the last tap's PWT. A phone recharging a printer short of pages reads that PWT in
   *  the recharge answer (S116), so its CHARGE never depends on a PT from long ago. */
  private async statusWithPt(lan: PrinterSession): Promise<StatusReply> {
    if (this.pt) {
      try {
        return await lan.status(this.pt);
      } catch (e) {
        if (!(e instanceof PrinterRefused && PT_GONE.includes(e.status))) throw e;
        this.pt = null;
        this.note(`the printer no longer takes the app's PT (${e.status})`);
      }
    }
    const pwt = this.tapPwt;
    if (!pwt) throw new SetupFailed(`${this.o.name} holds no PT the printer takes: tap it first`);
    this.tapPwt = null;                                                                       // used up either way
    const r = await lan.requestPt(pwt);                                                       // S31-S35
    if (r.status !== 0 || !r.pt) throw new SetupFailed(`the printer gave no PT (${r.status})`);
    this.pt = r.pt;
    this.note("got a new PT with the tap's PWT");
    return lan.status(this.pt);
  }

  private async sendRouter(wfd: PrinterSession): Promise<void> {
    const ssid = this.o.radio.routerSsid();
    for (let attempt = 1; ; attempt++) {
      const key = await this.o.askRouterKey(attempt);
      if (key === null) throw new SetupFailed("setup stopped: no router key");
      // WPA2-PSK takes a passphrase of 8..63 characters or 64 hex digits: the app says so
      // itself rather than hand the printer a key no router takes.
      if (key.length < 8 || key.length > 64 || (key.length === 64 && !/^[0-9a-fA-F]+$/.test(key))) {
        this.show("Setting up\nA Wi-Fi key has 8 to 63 characters: type it again");
        this.note(`the app refused a router key of ${key.length} characters (attempt ${attempt})`);
        continue;
      }
      const msg = encodeHandover({ select: false, others: [], wifi: {
        networkIndex: 1, ssid: Buffer.from(ssid), authType: AuthType.WPA2_PSK, encryptionType: EncryptionType.AES,
        networkKey: Buffer.from(key), macAddress: new Uint8Array(6).fill(0xff), version2: WSC_VERSION_2_0,
      } });
      if (!msg.ok) throw new SetupFailed(`the router credential cannot be encoded (${msg.error})`);
      this.show(`Setting up\nThe printer joins ${ssid}...`);
      const rc = await wfd.router(msg.value);
      if (rc === RouterStatus.JOINED) { this.note(`the printer joined ${ssid}`); return; }
      if (rc !== RouterStatus.WRONG_KEY) throw new SetupFailed(`the printer could not join ${ssid} (${rc})`);
      this.show("Setting up\nThe router refused the key: type it again");
      this.note(`the router refused the key (attempt ${attempt})`);
    }
  }

  /** A LAN session for one user action: the printer keeps one session per link, so
   *  another phone (or a restart) may have replaced an older one. */
  private async lan(device: string): Promise<PrinterSession> {
    const s = new PrinterSession(this.key, this.o.radio.lan(device), LAN_LABEL);
    await s.open();
    return s;
  }

  private async pollStatus(lan: PrinterSession, done: (s: StatusReply) => boolean, what: string): Promise<StatusReply> {
    const end = Date.now() + this.pollMs();
    for (;;) {
      const s = await lan.status(this.requirePt());
      if (done(s)) return s;
      if (Date.now() > end) throw new SetupFailed(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  private requirePt(): Buffer {
    if (!this.pt) throw new SetupFailed(`${this.o.name} holds no PT for the printer: tap it first`);
    return this.pt;
  }
  private pollMs(): number { return this.o.pollMs ?? 15000; }
  private note(s: string): void { this.o.note?.(`${this.o.name}: ${s}`); }
  private show(s: string): void { this.screen = `Printer app (${this.o.name})\n${s}`; }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
