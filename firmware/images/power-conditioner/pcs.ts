// The power conditioner (seed 002; SPEC.md §M2): measures PV, charge and discharge and
// reports them to the contract partner through the lossless uplink; holds the unique
// information and changes or deletes it only under a grant a server-issued (or the
// factory maintenance) credential opened, from the panel or the phone over BLE.
// Protocols: PROTOCOL.md; records, deadlines, buttons: README.md.
import * as board from "../../board/index";
import { Channel, Link, MEASURE_BYTES } from "../../board/index";
import { OK, E_AUTH, E_BUSY, E_INVAL, E_MALFORMED, E_NOTFOUND, E_STATE, E_UNSUPPORTED } from "../../core/errors";
import { getU32LE, putU32LE, wipe } from "../../core/codecs/bytes";
import { FlatJson, JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore, CredentialTransaction } from "../../modules/credential-store/index";
import { CloudLink, TopicSchema } from "../../modules/cloud-link/index";
import { EraseListener, EraseMenu, Key, Step } from "../../modules/onboarding/index";
import { Clock, DeadlineOwner, Scheduler } from "../../modules/scheduler/index";
import { ConnectedAppliance, Identity } from "../../modules/appliance/index";
import { reply } from "../../modules/service-port/index";
import { DataType, Role } from "../../modules/contract-table/index";
import { Metering, MeteringConfig, MeteringEvents, BoardSource, HandOff, SoleRecipient } from "../../modules/metering/index";
import { Item, UniqueInfo } from "../../modules/unique-info/index";
import { AuthConfig, AuthEvents, AuthInfo, Kind, PartnerKey, Via } from "../../modules/auth-info/index";
import { AUTH_BYTES, CHANGE_FIXED, Entry, Op, PcsOutboxFormat } from "./outbox-entries";
import { ReadingsToOutbox } from "./readings";
import { INSTALLED, OP_INSTALL, OP_MAINTENANCE, parseInstall, parseMaintenance } from "./install";
import { checkCommand, stageCommand } from "./commands";
import { BleLink, BleRequests, statusOnly } from "./ble";
import { Button, Keypad, Mode, PanelActions } from "./panel";
import { PanelView, showPanel } from "./screens";
import { DayTotals } from "./history";

export const SCHEDULER_TIMER: i32 = 0;
export const IDENTITY = new Identity("power conditioner", "Power conditioner", "pcs 1");
export const TOPICS = new TopicSchema("devices", "reply", "history");

/** The image's scheduler names (0x64-0x67). */
export namespace PcsDeadline {
  /** The phone's window (volatile: a power cut closes it). */
  export const BLE_WINDOW: u32 = 0x64;
  /** The UTC day's end: HISTORY's day totals (volatile: set again at boot). */
  export const DAY_END: u32 = 0x65;
}

export const BLE_WINDOW_MS: i64 = 5 * 60_000;

export class PowerConditioner extends ConnectedAppliance {
  unique: UniqueInfo;
  auth: AuthInfo;
  metering: Metering;
  recipient: SoleRecipient;
  ble: BleLink;
  keypad: Keypad;
  history: DayTotals;
  private sink: ReadingsToOutbox;
  private sample: Uint8Array = new Uint8Array(MEASURE_BYTES);
  private view: PanelView = new PanelView();
  /** Items whose tamper entry was reported since boot. */
  private tamperReported: u32 = 0;
  /** Readings are owed beyond the last hand-off. */
  private owed: bool = true;
  private stateDirty: bool = false;
  /** An erase was refused while the cloud still owes acknowledgements. */
  private menuHeld: bool = false;

  constructor(store: CredentialStore, scheduler: Scheduler, private clock: Clock = new Clock(), config: AuthConfig = new AuthConfig()) {
    const cloud = new CloudLink(store, TOPICS, scheduler, new PcsOutboxFormat());
    super(IDENTITY, store, scheduler, cloud, new EraseMenu(store, cloud, scheduler), Entry.REPLY);
    const unique = new UniqueInfo(store);
    this.unique = unique;
    const partner = new Partner(unique);
    const events = new Events();
    this.auth = new AuthInfo(store, scheduler, partner, events, config, clock);
    const mc = new MeteringConfig();
    mc.channels = 3;
    const measured = new Measured();
    const recipient = new SoleRecipient();
    this.recipient = recipient;
    const metering = new Metering(store, scheduler, recipient, new BoardSource(Channel.PV, Channel.CHARGE, Channel.DISCHARGE), measured, clock, mc);
    this.metering = metering;
    const requests = new Requests();
    this.sink = new ReadingsToOutbox(cloud, unique, store);
    this.ble = new BleLink(store, requests);
    const actions = new Actions();
    this.keypad = new Keypad(actions);
    const owner = new Deadlines();
    scheduler.register(PcsDeadline.BLE_WINDOW, owner);
    scheduler.register(PcsDeadline.DAY_END, owner);
    this.history = new DayTotals(unique, metering, scheduler, PcsDeadline.DAY_END, clock);
    const erased = new Erased();
    events.p = this; measured.p = this; requests.p = this; actions.p = this; owner.p = this; erased.p = this;
    this.menu.erased = erased;
  }

  // ------------------------------------------------------------ boot and state

  boot(): void {
    this.restore();
    if (this.store.registered()) this.cloud.start();
    this.report();
    this.render();
  }

  /** The unique information is read (tamper bits), the credential's expiry and the
   *  metering follow, then the day totals. */
  restore(): void {
    let rc = this.unique.boot();
    if (rc != OK) board.compose().add("unique information unreadable: ").num(rc).error();
    rc = this.auth.boot();
    if (rc != OK) board.compose().add("authentication information unreadable: ").num(rc).error();
    this.followConnection();
    rc = this.metering.boot();
    if (rc != OK) board.compose().add("measurement log unreadable: ").num(rc).error();
    // The metering follows the partner at boot; a power cut right after a new CONNECTION
    // was written may have kept it from hearing that the partner issued the key.
    const code = this.recipient.company;
    if (code != 0 && !this.metering.mayHand(code)) {
      rc = this.metering.confirmed(code);
      if (rc != OK) board.compose().add("readings not released to the partner: ").num(rc).error();
    }
    this.history.boot();
  }

  /** The partner the readings go to, and whether they may go now: a readable partner,
   *  SITE and CAPACITIES (a tampered or deleted one holds them back, §4.1). */
  private followConnection(): void {
    const u = this.unique;
    const code = u.partnerCode();
    this.recipient.company = code;
    const usable = code != 0 && u.present(Item.SITE) && u.present(Item.CAPACITIES) &&
      (u.tampered & ((1 << Item.SITE) | (1 << Item.CAPACITIES) | (1 << Item.CONNECTION))) == 0;
    this.recipient.failure = usable ? OK : E_STATE;
  }

  stateJson(): string {
    const w = new JsonWriter().num("installed", this.unique.installed() ? 1 : 0).num("partner", this.unique.partnerCode());
    w.num("pv", this.power(Channel.PV)).num("charge", this.power(Channel.CHARGE)).num("discharge", this.power(Channel.DISCHARGE));
    return w.num("tamper", this.unique.tampered).num("auth", this.auth.held() ? 1 : 0).toString();
  }

  /** W on `channel` now (0 when it cannot be measured). */
  power(channel: i32): i32 { return board.measure(channel, this.sample) == OK ? <i32>getU32LE(this.sample, 0) : 0; }

  // ------------------------------------------------------------ events

  onButton(b: i32): i32 {
    if (b < 0 || b > Button.DOWN) return E_UNSUPPORTED;
    if (this.menu.active) {
      const k = b == Button.UP ? Key.UP : b == Button.DOWN ? Key.DOWN : b == Button.OK ? Key.OK : b == Button.BACK ? Key.BACK : -1;
      const step = this.menu.step;
      // An erase drops the outbox: not while the cloud has not acknowledged what is in it.
      this.menuHeld = k == Key.OK && (step == Step.INIT_CONFIRM || step == Step.FACTORY_CONFIRM) && this.cloud.pending() > 0;
      if (k >= 0 && !this.menuHeld) this.menu.onKey(k);
      this.render();
      return OK;
    }
    this.keypad.onButton(b);
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

  /** The service port: MAINTENANCE (factory) and INSTALL (installer), PROVISION as every image. */
  onLink(link: i32, frame: Uint8Array): i32 {
    const op = frame.length > 0 ? frame[0] : 0;
    if (link != Link.SERVICE || (op != OP_INSTALL && op != OP_MAINTENANCE)) {
      // PROVISION gives the serial the screen's title shows.
      const provisioned = super.onLink(link, frame);
      if (link == Link.SERVICE) this.render();
      return provisioned;
    }
    let rc = E_INVAL;
    if (op == OP_MAINTENANCE) {
      const m = parseMaintenance(frame);
      if (m !== null) {
        rc = this.auth.installMaintenance(m.operator, m.key, m.salt, m.verifier);
        wipe(m.verifier);
        if (rc == E_MALFORMED) rc = E_INVAL;   // §5: -1 for a malformed request
      }
    } else {
      const req = parseInstall(frame, this.unique);
      if (req !== null) { rc = this.install(req.deviceId, req.password, req.values); req.wipe(); }
    }
    if (rc != OK && rc != E_STATE && rc != E_INVAL) board.compose().add("service request ").num(op).add(" not stored: ").num(rc).error();
    reply(op, rc, new Uint8Array(0));
    this.render();
    return rc;
  }

  onMqttState(arg: i32): i32 {
    const was = this.cloud.connected;
    const rc = super.onMqttState(arg);
    if (!was && this.cloud.connected) this.report();
    return rc;
  }

  onMqttMessage(topic: string, payload: Uint8Array): i32 {
    const rc = super.onMqttMessage(topic, payload);
    // An acknowledgement makes room for readings the full outbox refused.
    if (this.owed) this.report();
    return rc;
  }

  onTimer(id: i32): i32 {
    const rc = super.onTimer(id);
    this.report();
    this.render();
    return rc;
  }

  // ------------------------------------------------------------ installation (§5)

  /** The registration and the four items in one transaction; the link starts after it. A
   *  resend of the same installation answers OK again. */
  install(deviceId: string, password: Uint8Array, values: Uint8Array[]): i32 {
    const existing = this.store.registrationDeviceId();
    if (existing !== null) return existing == deviceId ? OK : E_STATE;
    if (this.unique.installed()) return E_STATE;
    const t = this.store.begin();
    let rc = t.putRegistration(deviceId, password);
    for (let i = 0; rc == OK && i < INSTALLED.length; i++) rc = this.unique.stageInstall(t, INSTALLED[i], values[i]);
    if (rc != OK) { t.discard(); return rc; }
    rc = t.commit();
    if (rc != OK) return rc;
    this.unique.boot();
    this.partnerChanged(0);
    board.compose().add("installed; registered as ").add(deviceId).info();
    this.cloud.start();
    this.stateDirty = true;
    this.report();
    return OK;
  }

  // ------------------------------------------------------------ cloud commands (§4.2)

  check(j: FlatJson): i32 { return checkCommand(j); }
  stage(j: FlatJson, t: CredentialTransaction): i32 { return stageCommand(this, j); }
  apply(j: FlatJson): i32 { this.stateDirty = true; this.report(); return OK; }

  // ------------------------------------------------------------ credentials and grant

  /** A credential from the panel or the phone: OK opens the grant. */
  credential(kind: i32, digits: Uint8Array, via: i32): i32 {
    if (kind != Kind.SERVER && kind != Kind.MAINTENANCE) return E_MALFORMED;
    const rc = this.auth.check(kind, digits, via);
    this.stateDirty = true;
    return rc;
  }

  /** A guarded change (value) or delete (null) of `item`, within the grant. */
  change(item: i32, value: Uint8Array | null, via: i32): i32 {
    const g = this.auth.grant;
    if (item < 0 || item >= Item.COUNT) return E_MALFORMED;
    if (!g.isOpen() || g.via != via || !g.allows(item)) return E_AUTH;
    if (value !== null && this.unique.validate(item, value) != OK) return E_MALFORMED;
    if (value === null && !this.unique.present(item)) return E_NOTFOUND;
    // The identifiers a reading carries: every reading measured so far goes with the old ones.
    if ((item == Item.SITE || item == Item.CAPACITIES || item == Item.CONNECTION) && !this.handAll()) return E_BUSY;
    const oldPartner = this.unique.partnerCode();
    const rc = value !== null ? this.unique.change(g, item, value) : this.unique.delete(g, item);
    if (rc != OK) return rc;
    this.auth.touch();
    this.recordChange(item, value, g.issuer, g.serial, via);
    if (item == Item.CONNECTION) this.partnerChanged(oldPartner);
    else this.followConnection();
    this.tamperReported &= ~(1 << <u32>item);
    this.stateDirty = true;
    this.owed = true;
    return OK;
  }

  /** Hands every reading measured so far (before the identifiers change); false when the
   *  outbox cannot take them. Readings held back (no usable SITE, CAPACITIES or partner)
   *  wait for the change that repairs them. */
  private handAll(): bool {
    if (this.recipient.failure != OK || !this.store.registered()) return true;
    for (let guard = 0; guard < 64; guard++) {
      const rc = this.metering.handOff(this.sink, 8);
      if (rc < 0) return false;
      if ((rc & HandOff.MORE) == 0) return true;
    }
    return false;
  }

  /** The partner in CONNECTION changed (installation, a guarded change or delete): the
   *  readings after now are the new partner's, who needs no confirmation (it issued the key). */
  private partnerChanged(oldCode: u32): void {
    const code = this.unique.partnerCode();
    this.followConnection();
    if (code == oldCode) return;
    // Every data type from now, also while SITE or CAPACITIES hold the readings back (the
    // recipient then names nobody, and the default would be none until a later resync).
    let rc = this.metering.onSwitched(Role.CONTRACT, oldCode, code, this.clock.wallMs(), code != 0 ? DataType.ALL : 0);
    if (rc == OK && code != 0) rc = this.metering.confirmed(code);
    if (rc != OK) board.compose().add("readings did not follow the partner: ").num(rc).error();
  }

  closeGrant(): void { this.auth.closeGrant(); this.keypad.grantClosed(); }

  // ------------------------------------------------------------ reports (outbox)

  /** Every entry the servers must get, then the live state. */
  report(): void {
    if (!this.store.registered()) return;
    this.reportTamper();
    if (this.owed) this.handOff();
    if (this.stateDirty) { this.stateDirty = false; this.publishState(); }
  }

  private handOff(): void {
    const rc = this.metering.handOff(this.sink);
    this.owed = rc < 0 || (rc & HandOff.MORE) != 0;
    if (rc < 0 && rc != this.sink.refusal && rc != this.recipient.failure) board.compose().add("hand-off stopped: ").num(rc).warn();
  }

  /** A `tamper` entry once per item and boot (and again after a change repaired it and
   *  it failed once more). */
  private reportTamper(): void {
    const fresh = this.unique.tampered & ~this.tamperReported;
    if (fresh == 0) return;
    for (let i = 0; i < Item.COUNT; i++) {
      if ((fresh & (1 << <u32>i)) == 0) continue;
      const b = new Uint8Array(1);
      b[0] = <u8>i;
      if (this.record(Entry.TAMPER, b)) this.tamperReported |= 1 << <u32>i;
      board.compose().add("tamper: item ").num(i).add(" refused").warn();
    }
    this.followConnection();
    this.stateDirty = true;
  }

  onAuthEvent(event: i32, issuer: u32, serial: u32, via: i32, reason: i32): void {
    const b = new Uint8Array(AUTH_BYTES);
    b[0] = <u8>event;
    putU32LE(b, 1, issuer);
    putU32LE(b, 5, serial);
    b[9] = <u8>via;
    b[10] = <u8>reason;
    this.record(Entry.AUTH, b);
    this.stateDirty = true;
  }

  private recordChange(item: i32, value: Uint8Array | null, issuer: u32, serial: u32, via: i32): void {
    let extra = 0;
    if (value !== null && item == Item.SITE) extra = value.length;
    else if (value !== null && item == Item.CAPACITIES) extra = 12;
    else if (value !== null && item == Item.CONNECTION) extra = 4;
    const b = new Uint8Array(CHANGE_FIXED + extra);
    b[0] = <u8>item;
    b[1] = value === null ? Op.DELETE : Op.SET;
    putU32LE(b, 2, issuer);
    putU32LE(b, 6, serial);
    b[10] = <u8>via;
    // SITE and CAPACITIES as stored; CONNECTION: only the new partner's code (never the key).
    if (extra > 0) b.set(value!.subarray(0, extra), CHANGE_FIXED);
    this.record(Entry.CHANGE, b);
  }

  /** An entry the servers must get (outbox): only for an installed PCS. */
  private record(kind: u8, body: Uint8Array): bool {
    if (!this.store.registered()) return false;
    const rc = this.cloud.enqueue(kind, body);
    if (rc < 0) board.compose().add("outbox entry ").num(kind).add(" not stored (").num(rc).add(")").error();
    return rc >= 0;
  }

  // ------------------------------------------------------------ screen

  render(): void {
    const v = this.view, u = this.unique, a = this.auth;
    v.menuHeld = this.menuHeld ? <i32>this.cloud.pending() : 0;
    v.serial = this.serial;
    v.online = this.cloud.connected;
    v.registered = this.store.registered();
    v.installed = u.installed();
    if (this.keypad.mode == Mode.MAIN) {
      v.pv = this.power(Channel.PV);
      v.charge = this.power(Channel.CHARGE);
      v.discharge = this.power(Channel.DISCHARGE);
      v.site = v.installed ? u.site() : null;
      v.partner = u.partnerCode();
    }
    v.tampered = u.tampered;
    v.authUntil = a.held() ? a.expiresUtcMs() : -1;
    v.usesLeft = a.usesLeft();
    v.triesLeft = a.triesLeft();
    v.maintenanceLocked = a.maintenanceLocked();
    v.bleConnected = this.ble.connected;
    v.bleCode = this.ble.code;
    showPanel(v, this.keypad, this.menu);
  }

  /** The factory's serial (provisioned after the image was made: read when needed). */
  get serial(): string { const s = this.store.serial(); return s === null ? "" : s; }

  // ------------------------------------------------------------ deadlines

  onWindowEnd(): void {
    if (this.keypad.mode == Mode.BLE) this.keypad.go(Mode.MAIN);
    this.ble.shut();
  }

  openBle(): void {
    this.ble.open = true;
    this.scheduler.after(PcsDeadline.BLE_WINDOW, BLE_WINDOW_MS);
  }

  closeBle(): void {
    this.scheduler.cancel(PcsDeadline.BLE_WINDOW);
    this.ble.shut();
  }

  /** After an initialization or factory reset: what is left is read again. */
  onErased(): void {
    // The change screen that started it is gone with what it guarded.
    this.auth.closeGrant();
    this.keypad.go(Mode.MAIN);
    this.scheduler.boot();
    this.tamperReported = 0;
    this.restore();
    this.owed = true;
  }

  /** A measurement was stored: the screen follows; readings go at the transmission. */
  onMeasured(): void { this.render(); }
  onTransmission(): void { this.owed = true; this.report(); }
}

// The PCS is already a ConnectedAppliance, and a class has one base: these pass the
// modules' callbacks on to it, once it is made.
class Partner extends PartnerKey {
  constructor(private unique: UniqueInfo) { super(); }
  code(): u32 { return this.unique.partnerCode(); }
  publicKey(): Uint8Array | null { return this.unique.partnerPublicKey(); }
}

class Events extends AuthEvents {
  p: PowerConditioner | null = null;
  onAuthEvent(event: i32, issuer: u32, serial: u32, via: i32, reason: i32): void { this.p!.onAuthEvent(event, issuer, serial, via, reason); }
  onGrantClosed(): void { this.p!.keypad.grantClosed(); }
}

class Measured extends MeteringEvents {
  p: PowerConditioner | null = null;
  onMeasured(mseq: u32): void { this.p!.onMeasured(); }
  onTransmission(): void { this.p!.onTransmission(); }
}

class Requests extends BleRequests {
  p: PowerConditioner | null = null;
  credential(kind: i32, digits: Uint8Array): Uint8Array {
    const p = this.p!;
    const rc = p.credential(kind, digits, Via.BLE);
    const b = new Uint8Array(4);
    b[0] = <u8>rc;
    b[1] = rc == OK ? <u8>p.auth.grant.items : 0;
    const uses = p.auth.usesLeft(), tries = p.auth.triesLeft();
    b[2] = <u8>(uses < 0 ? 0 : uses > 255 ? 255 : uses);
    b[3] = <u8>(tries < 0 ? 0 : tries > 255 ? 255 : tries);
    return b;
  }
  read(item: i32): Uint8Array {
    const p = this.p!;
    const g = p.auth.grant;
    if (!g.isOpen() || g.via != Via.BLE || !g.allows(item)) return statusOnly(E_AUTH);
    const v = item == Item.CONNECTION ? p.unique.readForLink(item) : p.unique.read(item);
    if (v === null) return statusOnly(p.unique.lastError);
    const b = new Uint8Array(1 + v.length);
    b.set<Uint8Array>(v, 1);
    wipe(v);
    return b;
  }
  change(item: i32, value: Uint8Array | null): i32 { return this.p!.change(item, value, Via.BLE); }
  ended(): void { const p = this.p!; if (p.auth.grant.isOpen() && p.auth.grant.via == Via.BLE) p.closeGrant(); }
}

class Actions extends PanelActions {
  p: PowerConditioner | null = null;
  credential(kind: i32, digits: Uint8Array): i32 { return this.p!.credential(kind, digits, Via.PANEL); }
  openBle(): void { this.p!.openBle(); }
  closeBle(): void { this.p!.closeBle(); }
  closeGrant(): void { this.p!.closeGrant(); }
  allows(item: i32): bool {
    const g = this.p!.auth.grant;
    if (!g.isOpen() || g.via != Via.PANEL) return false;
    return item == 0x1f ? (g.items & 0x1f) == 0x1f : g.allows(item);
  }
  change(item: i32, value: Uint8Array | null): i32 { return this.p!.change(item, value, Via.PANEL); }
  erase(factory: bool): void {
    const p = this.p!;
    p.menu.openMenu();
    // The erase menu starts at Initialize; Factory reset is the next choice.
    if (factory) p.menu.onKey(Key.DOWN);
    p.menu.onKey(Key.OK);
  }
}

class Deadlines extends DeadlineOwner {
  p: PowerConditioner | null = null;
  onDeadline(name: u32, lateMs: i64): void {
    const p = this.p!;
    if (name == PcsDeadline.BLE_WINDOW) p.onWindowEnd();
    else if (name == PcsDeadline.DAY_END) p.history.onDayEnd();
  }
}

class Erased extends EraseListener {
  p: PowerConditioner | null = null;
  onErased(factory: bool): void { this.p!.onErased(); }
}
