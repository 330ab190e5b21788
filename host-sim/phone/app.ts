// The maker's phone app, simulated: the user's choices are method calls. Registration
// follows seed 000 FIG. 10 (S81..S89); commands and history go through the cloud. What a
// command says is the appliance's: its actions are in host-sim/appliances/<name>/.
import { CloudClient, CloudError, type CommandAccepted, type CommandResult, type DeviceSummary, type HistoryEntry } from "./cloud-client.ts";
import { LanMsg, LanRefused, LanSession, RegistrationMode } from "./lan-messages.ts";
import { uuid, osRandom, type RandomSource } from "./seeded-random.ts";
import type { LanPort } from "../home/router.ts";
import type { CommandFields, CreateRegistrationRequest } from "../cloud/types.ts";
import { AppStore, type SavedApp } from "./app-store.ts";
import { commandOutcome } from "./result-codes.ts";

export interface PhoneOptions {
  name: string;
  /** What the app calls the appliance on its screens ("water heater"): the registry's
   *  title (host-sim/appliances/index.ts). */
  appliance: string;
  terminalId: string;
  user: string;
  password: string;
  cloudUrl: string;
  ca: string;
  lan: LanPort;
  random?: RandomSource;
  /** How long to wait for the appliance on the LAN, and for the cloud to see its approval. */
  lanTimeoutMs?: number;
  approvalWaitMs?: number;
  /** Called before each step of a registration (S82, S86/S88, S87/S89): fault
   *  injection in tests, narration in the demo. */
  beforeStep?: (step: RegistrationStep) => Promise<void>;
  /** The app shows the LAN code and asks its user whether the appliance's screen shows
   *  the same; nothing is handed over unless this says yes. */
  confirmCode: ConfirmCode;
  /** Where the app keeps its device and cloud session between runs (app-store.ts);
   *  absent: it forgets both when it ends. */
  stateFile?: string;
}

export type ConfirmCode = (code: string) => Promise<boolean>;

/** The user said the app's code and the appliance's differ: someone may sit in between. */
export class CodeMismatch extends Error {
  constructor(readonly code: string) { super(`the user saw a different code on the appliance than ${code}: registration stopped`); }
}

export type RegistrationStep = "S82 hello" | "S86 register at cloud" | "S87 hand over credentials" | "S88 add at cloud" | "S89 notify added";

export interface RegistrationOutcome {
  kind: "new" | "additional";
  deviceId: string;
}

export class MakerApp {
  /** What the phone's screen shows (FIG. 11 in spirit). */
  screen = "Maker app\nNot signed in";
  readonly cloud: CloudClient;
  private readonly random: RandomSource;
  private readonly store: AppStore | null;
  private saved: SavedApp = { deviceId: null, session: null };

  constructor(readonly o: PhoneOptions) {
    this.cloud = new CloudClient(o.cloudUrl, o.ca, { user: o.user, password: o.password, terminalId: o.terminalId });
    this.random = o.random ?? osRandom;
    this.store = o.stateFile ? new AppStore(o.stateFile) : null;
    if (this.store) {
      this.saved = this.store.load();
      if (this.saved.session) this.cloud.resume(this.saved.session);
      this.cloud.onSession = (session) => this.keep({ session });
    }
  }

  /** The appliance this app controls (its current device ID); kept across runs. */
  get deviceId(): string | null { return this.saved.deviceId; }
  set deviceId(id: string | null) { this.keep({ deviceId: id }); }

  private keep(change: Partial<SavedApp>): void {
    this.saved = { ...this.saved, ...change };
    this.store?.save(this.saved);
  }

  /** The account exists (created the first time) and the app is signed in: a session
   *  kept from an earlier run goes on, otherwise the app logs in. */
  async createAccount(): Promise<void> {
    const r = await this.cloud.call("POST", "/api/users", { user: this.o.user, password: this.o.password }, false);
    if (r.status !== 201 && r.status !== 409) throw new CloudError(r.status, JSON.stringify(r.json), "create account");
    if (!this.cloud.hasSession) await this.cloud.login();
    this.showIdle();
  }

  /** Logout: the cloud revokes this phone's session. */
  async signOut(): Promise<void> {
    await this.cloud.logout();
    this.show("Not signed in");
  }

  /** The app's home screen: who is signed in and the appliance it controls. */
  private showIdle(): void {
    this.show(`Signed in as ${this.o.user}\n${this.deviceId ? `${cap(this.o.appliance)} ${this.deviceId.slice(0, 8)}` : `No ${this.o.appliance} registered`}`);
  }

  /** S81..S89 against the appliance `device` on the home LAN. The remote must be waiting. */
  async register(device: string): Promise<RegistrationOutcome> {
    try {
      return await this.registerSteps(device);
    } catch (e) {
      // The code comparison's own screen stays; any other failure returns to the home screen.
      if (!(e instanceof CodeMismatch)) this.showIdle();
      if (e instanceof LanRefused) throw new LanRefused(e.status, this.o.appliance);
      throw e;
    }
  }

  private async registerSteps(device: string): Promise<RegistrationOutcome> {
    const lan = this.o.lan;
    lan.clear();
    const session = new LanSession(this.random);
    this.show(`Registering\nLooking for the ${this.o.appliance}...`);
    await this.step("S82 hello");
    await lan.send(device, session.nonceRequest());
    session.acceptNonce(await lan.next(this.lanTimeout()));
    await lan.send(device, session.hello(this.o.terminalId));                     // S82
    const reply = session.openHelloReply(await lan.next(this.lanTimeout()));      // S83
    this.show(`Registering\nCheck the code: ${session.code}\nDoes the ${this.o.appliance} show the same code?`);
    if (!(await this.o.confirmCode(session.code))) {
      await lan.send(device, session.abort());
      this.show("Registration stopped\nThe codes were different. Nothing was handed over.");
      throw new CodeMismatch(session.code);
    }
    if (reply.existingDeviceId === "") {                                          // S84 no
      const deviceId = uuid(this.random);                                         // S85
      const devicePassword = this.random.bytes(24).toString("base64url");
      await this.step("S86 register at cloud");
      const body: CreateRegistrationRequest = { deviceId, devicePassword, serial: reply.serial };
      await this.cloud.expect(201, "POST", "/api/registrations", body);         // S86
      await this.step("S87 hand over credentials");
      await lan.send(device, session.credentials(deviceId, devicePassword));      // S87
      const status = session.status(await lan.next(this.lanTimeout()), LanMsg.STORED);
      if (status !== 0) throw new LanRefused(status, this.o.appliance);
      this.deviceId = deviceId;
      this.show(`Registration complete\nThe ${this.o.appliance} is connected.`);
      return { kind: "new", deviceId };
    }
    if (reply.mode !== RegistrationMode.ADDITIONAL) throw new Error("the remote has a device ID but is not in additional mode");
    const deviceId = reply.existingDeviceId;
    await this.step("S88 add at cloud");
    await this.addSelf(deviceId);                                                 // S88
    await this.step("S89 notify added");
    await lan.send(device, session.added());                                      // S89
    const status = session.status(await lan.next(this.lanTimeout()), LanMsg.ADDED_ACK);
    if (status !== 0) throw new LanRefused(status, this.o.appliance);
    this.deviceId = deviceId;
    this.show(`Phone added\nThis phone now controls the ${this.o.appliance}.`);
    return { kind: "additional", deviceId };
  }

  /** S88: the cloud adds this user once the remote's approval has reached it. */
  private async addSelf(deviceId: string): Promise<void> {
    const deadline = Date.now() + (this.o.approvalWaitMs ?? 5000);
    for (;;) {
      const r = await this.cloud.call("POST", `/api/registrations/${deviceId}/users`);
      // 409: this user is already on the registration (an earlier attempt got this far).
      if (r.status === 201 || r.status === 409) return;
      if (r.status !== 403 || Date.now() > deadline) throw new CloudError(r.status, JSON.stringify(r.json), "add this phone");
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  /** Sends a command through the cloud and waits for the appliance's answer. `what`
   *  names it on the phone's screen. */
  async command(fields: CommandFields, what: string, deviceId = this.requireDevice()): Promise<CommandResult> {
    let cmd: number;
    try {
      ({ cmd } = await this.cloud.expect<CommandAccepted>(202, "POST", `/api/devices/${deviceId}/commands`, fields));
    } catch (e) {
      if (e instanceof CloudError && e.status === 410) this.show(`This ${this.o.appliance} was registered again by someone else.\nYou can still read its past history.`);
      throw e;
    }
    const deadline = Date.now() + 5000;
    for (;;) {
      const r = await this.cloud.expect<CommandResult>(200, "GET", `/api/devices/${deviceId}/commands/${cmd}`);
      if (r.status !== null && r.status !== undefined) { this.show(`${what}: ${commandOutcome(r.status)}`); return r; }
      if (Date.now() > deadline) return { cmd, status: null };
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  devices(): Promise<DeviceSummary[]> { return this.cloud.expect(200, "GET", "/api/devices"); }
  history(deviceId = this.requireDevice()): Promise<HistoryEntry[]> { return this.cloud.expect(200, "GET", `/api/devices/${deviceId}/history`); }
  state(deviceId = this.requireDevice()): Promise<Record<string, unknown>> { return this.cloud.expect(200, "GET", `/api/devices/${deviceId}/state`); }

  private requireDevice(): string {
    if (!this.deviceId) throw new Error(`${this.o.name} has no ${this.o.appliance} registered (the app registers it: \`${this.o.name} register\` while the remote waits for the app)`);
    return this.deviceId;
  }

  private async step(s: RegistrationStep): Promise<void> { await this.o.beforeStep?.(s); }

  private lanTimeout(): number { return this.o.lanTimeoutMs ?? 5000; }
  private show(s: string): void { this.screen = `Maker app (${this.o.user})\n${s}`; }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
