// The lock (seed 004; SPEC.md §M5): a bolt, a door sensor, a small panel and the owner's
// button; grants from the maker's key server presented by the booking app's SDK over BLE,
// checked by modules/grants; the clock and the revocation list from the key server, kept
// so that the lock works offline. Protocols: PROTOCOL.md; records, deadlines: README.md.
import * as board from "../../board/index";
import { Link, Pin } from "../../board/index";
import { OK, E_INVAL, E_STATE, E_UNSUPPORTED } from "../../core/errors";
import { FlatJson, JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore, CredentialTransaction } from "../../modules/credential-store/index";
import { CloudLink, TopicSchema } from "../../modules/cloud-link/index";
import { EraseMenu } from "../../modules/onboarding/index";
import { Clock, DeadlineOwner, Scheduler } from "../../modules/scheduler/index";
import { ConnectedAppliance, Identity } from "../../modules/appliance/index";
import { reply } from "../../modules/service-port/index";
import { Action, Decision, Grants, GrantsConfig, Reason } from "../../modules/grants/index";
import { By, Entry, LockOutboxFormat, accessEntry } from "./outbox-entries";
import { OP_INSTALL, parseInstall } from "./install";
import { checkCommand, stageCommand } from "./commands";
import { BleLink, BleRequests } from "./ble";
import { Last, PanelView, showPanel } from "./screens";

export const SCHEDULER_TIMER: i32 = 0;
export const IDENTITY = new Identity("lock", "Lock", "lock 1");
export const TOPICS = new TopicSchema("devices", "reply", "history");

/** The image's scheduler names (0x6C-0x6F), both volatile: a power cut throws the bolt and
 *  makes the time unknown, and the next connect asks for the time again. */
export namespace LockDeadline {
  export const RELOCK: u32 = 0x6c;
  export const TIME_REQUEST: u32 = 0x6d;
}

export const RELOCK_MS: i64 = 10_000;
export const TIME_REQUEST_MS: i64 = 6 * 3_600_000;
/** The owner's button inside. */
export const OWNER_BUTTON: i32 = 0;

export class Lock extends ConnectedAppliance {
  /** Made once the serial is known (grants check every blob against it): at boot of a
   *  provisioned lock, or at PROVISION. Until then OPERATE and the commands are refused. */
  grants: Grants | null = null;
  ble: BleLink;
  locked: bool = true;
  doorOpen: bool = false;
  /** The relock's 10 s passed while the door was open: the bolt is thrown when it closes. */
  private relockOnClose: bool = false;
  private stateDirty: bool = false;
  private view: PanelView = new PanelView();

  /** clock: the scheduler's (specs move it by hand). */
  constructor(store: CredentialStore, scheduler: Scheduler, private clock: Clock = new Clock()) {
    const cloud = new CloudLink(store, TOPICS, scheduler, new LockOutboxFormat());
    super(IDENTITY, store, scheduler, cloud, new EraseMenu(store, cloud, scheduler), Entry.REPLY);
    const requests = new Requests();
    this.ble = new BleLink(store, requests);
    const owner = new Deadlines();
    scheduler.register(LockDeadline.RELOCK, owner);
    scheduler.register(LockDeadline.TIME_REQUEST, owner);
    requests.p = this; owner.p = this;
  }

  // ------------------------------------------------------------ boot and state

  boot(): void {
    this.restore();
    if (this.store.registered()) this.cloud.start();
    this.render();
  }

  /** Fail secure: the bolt is thrown at every boot; the door is what its sensor says. */
  restore(): void {
    this.moveBolt(true);
    this.doorOpen = board.gpioRead(Pin.DOOR_SENSOR) == 1;
    this.makeGrants();
  }

  private makeGrants(): void {
    if (this.grants !== null) return;
    const serial = this.store.serial();
    if (serial === null) return;
    const g = new Grants(this.store, this.scheduler, serial, new GrantsConfig(), this.clock);
    const rc = g.boot();
    if (rc != OK) board.compose().add("grants unreadable: ").num(rc).error();
    this.grants = g;
  }

  stateJson(): string {
    const g = this.grants;
    return new JsonWriter().str("bolt", this.locked ? "locked" : "unlocked").str("door", this.doorOpen ? "open" : "closed")
      .num("time", g !== null && g.clock.known() ? 1 : 0).num("revocations", g !== null ? g.revocationVersion() : 0).toString();
  }

  // ------------------------------------------------------------ events

  /** The owner's button toggles the bolt: no grant, never locked out. */
  onButton(b: i32): i32 {
    if (b != OWNER_BUTTON) return E_UNSUPPORTED;
    if (this.locked) this.unlock(By.OWNER);
    else this.lock(By.OWNER);
    this.report();
    this.render();
    return OK;
  }

  onGpio(arg: i32): i32 {
    const pin = arg & 0xff;
    if (pin != Pin.DOOR_SENSOR) return E_UNSUPPORTED;
    const open = ((arg >> 8) & 0xff) != 0;
    if (open != this.doorOpen) {
      this.doorOpen = open;
      const b = new Uint8Array(1);
      b[0] = open ? 1 : 0;
      this.record(Entry.DOOR, b);
      // Whoever came through has closed the door behind them: the bolt goes back.
      if (!open && !this.locked) this.lock(By.AUTO);
      this.stateDirty = true;
    }
    this.report();
    this.render();
    return OK;
  }

  onLinkFrame(link: i32, frame: Uint8Array): i32 {
    if (link != Link.BLE) return E_UNSUPPORTED;
    const rc = this.ble.onFrame(frame);
    this.report();
    this.render();
    return rc;
  }

  /** The service port: INSTALL; PROVISION (and the rest of the factory's) as every image. */
  onLink(link: i32, frame: Uint8Array): i32 {
    const op = frame.length > 0 ? frame[0] : 0;
    if (link != Link.SERVICE || op != OP_INSTALL) {
      const rc = super.onLink(link, frame);
      if (link == Link.SERVICE) { this.makeGrants(); this.render(); }
      return rc;
    }
    let rc = E_INVAL;
    const req = parseInstall(frame);
    if (req !== null) { rc = this.install(req.deviceId, req.password, req.makerKey); req.wipe(); }
    if (rc != OK && rc != E_STATE && rc != E_INVAL) board.compose().add("install not stored: ").num(rc).error();
    reply(op, rc, new Uint8Array(0));
    this.render();
    return rc;
  }

  onMqttState(arg: i32): i32 {
    const was = this.cloud.connected;
    const rc = super.onMqttState(arg);
    if (!was && this.cloud.connected) {
      this.requestTime();
      this.scheduler.after(LockDeadline.TIME_REQUEST, TIME_REQUEST_MS, TIME_REQUEST_MS);
    }
    return rc;
  }

  onTimer(id: i32): i32 {
    const rc = super.onTimer(id);
    this.report();
    this.render();
    return rc;
  }

  // ------------------------------------------------------------ installation (§4)

  /** The registration and the maker key in one transaction; the cloud link starts after it. */
  install(deviceId: string, password: Uint8Array, makerKey: Uint8Array): i32 {
    const g = this.grants;
    if (g === null) return E_STATE;   // PROVISION first: grants are bound to the serial
    if (this.store.registered() || g.installed()) return E_STATE;
    const t = this.store.begin();
    let rc = t.putRegistration(deviceId, password);
    if (rc == OK) rc = g.installMakerKey(t, makerKey);
    if (rc == OK) rc = t.commit();
    else t.discard();
    // grants reads what flash holds: a key staged but not committed is not in force.
    g.boot();
    if (rc != OK) return rc;
    board.compose().add("installed; registered as ").add(deviceId).info();
    this.cloud.start();
    this.stateDirty = true;
    return OK;
  }

  // ------------------------------------------------------------ cloud commands (§3.3)

  check(j: FlatJson): i32 { return checkCommand(j); }
  stage(j: FlatJson, t: CredentialTransaction): i32 { return stageCommand(this.grants, j); }
  apply(j: FlatJson): i32 { this.stateDirty = true; this.report(); return OK; }

  /** §3.1: a fresh nonce, the only one an answer may carry. Not in the outbox: it means
   *  nothing after a power cut. */
  requestTime(): void {
    const g = this.grants;
    if (g === null || !this.cloud.connected) return;
    const nonce = g.clock.request();
    this.cloud.publish("time", new JsonWriter().str("nonce", hex(nonce)).toString());
  }

  // ------------------------------------------------------------ the bolt

  /** OPERATE's fields: the decision, the bolt moved on OK, an `access` entry. */
  operate(fields: Uint8Array): Decision | null {
    const g = this.grants;
    if (g === null) return null;
    const d = g.operate(fields);
    const granted = d.status == OK;
    if (granted) {
      if (d.action == Action.UNLOCK) this.unlock(By.GRANT);
      else this.lock(By.GRANT);
    }
    // A refusal before the fields parsed (a lockout, a malformed grant) still names the
    // action asked for when its byte is one; `unknown` only when it is not.
    let asked = d.action;
    if (asked == 0 && fields.length > 0 && (fields[0] == Action.UNLOCK || fields[0] == Action.LOCK)) asked = <i32>fields[0];
    this.record(Entry.ACCESS, accessEntry(d.grantId, asked, granted, d.reason, g.clock.nowUtcMs()));
    const v = this.view;
    v.last = !granted ? Last.DENIED : d.action == Action.UNLOCK ? Last.UNLOCKED : Last.LOCKED;
    v.lastGrant = d.grantId;
    v.lastReason = d.reason;
    return d;
  }

  /** Retracts the bolt; it is thrown again 10 s later (or when the door closes). */
  unlock(by: u8): void {
    this.relockOnClose = false;
    this.scheduler.after(LockDeadline.RELOCK, RELOCK_MS);
    if (!this.locked) return;
    this.moveBolt(false);
    this.boltEntry(by);
  }

  lock(by: u8): void {
    this.relockOnClose = false;
    this.scheduler.cancel(LockDeadline.RELOCK);
    if (this.locked) return;
    this.moveBolt(true);
    this.boltEntry(by);
  }

  onRelock(): void {
    if (this.locked) return;
    // A bolt thrown into an open door would stop it closing: wait for the door instead.
    if (this.doorOpen) { this.relockOnClose = true; return; }
    this.lock(By.AUTO);
  }

  private moveBolt(locked: bool): void {
    const rc = board.gpioWrite(Pin.LOCK_ACTUATOR, locked ? 1 : 0);
    if (rc != OK) board.compose().add("bolt did not move: ").num(rc).error();
    this.locked = locked;
    this.stateDirty = true;
  }

  private boltEntry(by: u8): void {
    const b = new Uint8Array(2);
    b[0] = this.locked ? 1 : 0;
    b[1] = by;
    this.record(Entry.BOLT, b);
  }

  // ------------------------------------------------------------ reports

  report(): void {
    if (this.stateDirty && this.store.registered()) { this.stateDirty = false; this.publishState(); }
  }

  /** An entry the key server must get (outbox): only for an installed lock. */
  private record(kind: u8, body: Uint8Array): bool {
    if (!this.store.registered()) return false;
    const rc = this.cloud.enqueue(kind, body);
    if (rc < 0) board.compose().add("outbox entry ").num(kind).add(" not stored (").num(rc).add(")").error();
    return rc >= 0;
  }

  // ------------------------------------------------------------ screen

  render(): void {
    const v = this.view, g = this.grants;
    const serial = this.store.serial();
    v.serial = serial === null ? "" : serial;
    v.locked = this.locked;
    v.doorOpen = this.doorOpen;
    v.installed = g !== null && g.installed();
    v.timeMs = g !== null ? g.clock.nowUtcMs() : -1;
    v.revocations = g !== null ? g.revocationVersion() : 0;
    v.lockedOutMs = g !== null ? g.lockedOutMs() : 0;
    showPanel(v);
  }
}

const HEX = "0123456789abcdef";

function hex(b: Uint8Array): string {
  const out = new Uint8Array(b.length * 2);
  for (let i = 0; i < b.length; i++) {
    const v = <i32>b[i];
    out[2 * i] = <u8>HEX.charCodeAt(v >> 4);
    out[2 * i + 1] = <u8>HEX.charCodeAt(v & 15);
  }
  return String.UTF8.decodeUnsafe(out.dataStart, <usize>out.length);
}

// The lock is already a ConnectedAppliance, and a class has one base: these pass the
// modules' callbacks on to it, once it is made.
class Requests extends BleRequests {
  p: Lock | null = null;
  challenge(): Uint8Array | null {
    const g = this.p!.grants;
    return g !== null ? g.challenge() : null;
  }
  operate(fields: Uint8Array): Uint8Array {
    const p = this.p!;
    const d = p.operate(fields);
    const b = new Uint8Array(3);
    b[0] = <u8>(d !== null ? d.status : E_STATE);
    b[1] = <u8>(d !== null ? d.reason : Reason.NONE);
    b[2] = p.locked ? 1 : 0;
    return b;
  }
  ended(): void { const g = this.p!.grants; if (g !== null) g.endSession(); }
}

class Deadlines extends DeadlineOwner {
  p: Lock | null = null;
  onDeadline(name: u32, lateMs: i64): void {
    const p = this.p!;
    if (name == LockDeadline.RELOCK) p.onRelock();
    else if (name == LockDeadline.TIME_REQUEST) p.requestTime();
  }
}
