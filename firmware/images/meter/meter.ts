// The smart meter (seed 003; SPEC.md §M4): installed by the utility (service port), its
// contract table switched by the companies through the head-end, by IC cards and by its
// date-time setting (FIG. 9); the fourth embodiment's confirmation and breaker; ECHONET
// Lite for the home's HEMS. Protocols: PROTOCOL.md; records, deadlines, buttons: README.md.
import * as board from "../../board/index";
import { Channel, Link, MEASURE_BYTES } from "../../board/index";
import { OK, E_AUTH, E_INVAL, E_NOSPACE, E_STATE, E_UNSUPPORTED } from "../../core/errors";
import { getU32LE, putU32LE, wipe } from "../../core/codecs/bytes";
import { FlatJson, JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore, CredentialTransaction } from "../../modules/credential-store/index";
import { CloudLink, TopicSchema } from "../../modules/cloud-link/index";
import { EraseListener, EraseMenu, Key, Step } from "../../modules/onboarding/index";
import { Clock, Scheduler } from "../../modules/scheduler/index";
import { ConnectedAppliance, Identity } from "../../modules/appliance/index";
import { ContractTable, ContractEvents, Change, DataType, Role, IMMEDIATE, METER_CODE_MAX } from "../../modules/contract-table/index";
import { SupplyBreaker, Breaker, BreakerState, ENTRY_BYTES } from "../../modules/supply-breaker/index";
import { Metering, MeteringEvents, BoardSource, HandOff } from "../../modules/metering/index";
import { CardSlots, SlotState, SLOTS } from "./card";
import { Lan, ReadingSource } from "./lan";
import { answerInstall, isInstall, parseInstall } from "./install";
import { Notice, PanelView, showMenu, showPanel } from "./screens";
import { nextSlot, SLOT_MS } from "./utc";
import { checkCommand, stageCommand, kindOf, companyOf, Kind } from "./commands";
import {
  Entry, MeterOutboxFormat, putI64, TABLE_BYTES, ENDING_BYTES, SWITCHED_BYTES, SECURITY_BYTES,
} from "./outbox-entries";
import { ReadingsToOutbox } from "./readings";

/** FIG. 9's buttons (PROTOCOL.md §1), and MENU for the connection menu behind the seal. */
export namespace Button {
  export const SELECT_1: i32 = 0;
  export const SELECT_2: i32 = 1;
  export const SELECT_3: i32 = 2;
  export const SET_TIME: i32 = 3;
  export const UP: i32 = 4;
  export const DOWN: i32 = 5;
  export const OK: i32 = 6;
  export const BACK: i32 = 7;
  export const RECONNECT: i32 = 8;
  export const MENU: i32 = 9;
}

export const SCHEDULER_TIMER: i32 = 0;
export const IDENTITY = new Identity("meter", "Smart meter", "meter 1");
export const TOPICS = new TopicSchema("devices", "reply", "history");

export class Meter extends ConnectedAppliance {
  table: ContractTable;
  breaker: SupplyBreaker;
  metering: Metering;
  source: BoardSource;
  cards: CardSlots = new CardSlots();
  lan: Lan;
  /** The answer of the command being run (commands.ts). */
  answer: i32 = OK;
  private view: PanelView = new PanelView();
  private sample: Uint8Array = new Uint8Array(MEASURE_BYTES);
  private tableBody: Uint8Array = new Uint8Array(TABLE_BYTES);
  private entryBody: Uint8Array = new Uint8Array(ENTRY_BYTES);
  private tableDirty: bool = false;
  /** An erase was refused for entries the head-end has not acknowledged (the menu says so). */
  private menuHeld: bool = false;
  /** The head-end's live view (up/state) is out of date. */
  private stateDirty: bool = false;
  private sink: ReadingsToOutbox;
  /** Readings are owed beyond the last hand-off (a batch's end, or the outbox was full). */
  private owed: bool = true;

  constructor(store: CredentialStore, scheduler: Scheduler, private clock: Clock = new Clock()) {
    const cloud = new CloudLink(store, TOPICS, scheduler, new MeterOutboxFormat());
    super(IDENTITY, store, scheduler, cloud, new EraseMenu(store, cloud, scheduler), Entry.REPLY);
    const events = new TableEvents(), measured = new MeasuredEvents();
    const table = new ContractTable(store, scheduler, events, clock);
    this.table = table;
    this.breaker = new SupplyBreaker(store, clock);
    const source = new BoardSource(Channel.IMPORT);
    this.source = source;
    const metering = new Metering(store, scheduler, table, source, measured, clock);
    this.metering = metering;
    this.lan = new Lan(store, new ReadingSource(metering, clock));
    this.sink = new ReadingsToOutbox(cloud);
    events.m = this;
    measured.m = this;
    const erased = new Erased();
    erased.m = this;
    this.menu.erased = erased;
  }

  // ------------------------------------------------------------ boot and state

  /** The breaker is driven to its stored state first; the outbox is loaded before the
   *  table applies what came due while the meter was off, so that its events are kept. */
  boot(): void {
    this.restore();
    this.cloud.start();
    this.bootTables();
    this.lan.start();
    for (let s = 0; s < SLOTS; s++) this.askCard(s);
    this.tableDirty = true;
    this.report();
    this.render();
  }

  /** The table first (it applies the switches that came due while the meter was off),
   *  then the metering, which follows those switches and takes a missed boundary's reading. */
  private bootTables(): void {
    let rc = this.table.boot();
    if (rc != OK) board.compose().add("contract table unreadable: ").num(rc).error();
    rc = this.metering.boot();
    if (rc != OK) board.compose().add("measurement log unreadable: ").num(rc).error();
  }

  restore(): void {
    const rc = this.breaker.open();
    if (rc != OK) board.compose().add("breaker log unreadable, supply kept off: ").num(rc).error();
    this.source.breakerOpen = this.breaker.state != BreakerState.CONNECTED;
    this.readMeterCode();
  }

  stateJson(): string {
    const w = new JsonWriter().num("breaker", this.breaker.state)
      .num("contract", this.table.code(Role.CONTRACT)).num("provision", this.table.code(Role.PROVISION))
      .num("version", this.table.version).num("pending", this.table.pendingCount());
    if (board.measure(Channel.IMPORT, this.sample) == OK) w.num("w", <i32>getU32LE(this.sample, 0));
    return w.toString();
  }

  // ------------------------------------------------------------ events

  onButton(b: i32): i32 {
    if (b < Button.SELECT_1 || b > Button.MENU) return E_UNSUPPORTED;
    if (this.menu.active) {
      const k = b == Button.UP ? Key.UP : b == Button.DOWN ? Key.DOWN : b == Button.OK ? Key.OK : b == Button.BACK ? Key.BACK : -1;
      const step = this.menu.step;
      // An erase drops the outbox with it: not while the head-end has not acknowledged
      // what is in it (readings handed there are not handed again: rule 7).
      this.menuHeld = k == Key.OK && (step == Step.INIT_CONFIRM || step == Step.FACTORY_CONFIRM) && this.cloud.pending() > 0;
      if (k >= 0 && !this.menuHeld) this.menu.onKey(k);
      this.render();
      return OK;
    }
    const v = this.view;
    v.notice = Notice.NONE;
    if (b == Button.MENU) { v.setting = false; this.menu.openMenu(); }
    else if (b == Button.RECONNECT) this.reconnect();
    else if (b == Button.SET_TIME) { v.setting = true; v.settingSlot = -1; v.settingAt = -1; }
    else if (b <= Button.SELECT_3) { if (v.setting) this.pick(b); else this.switchNow(b); }
    else if (v.setting) this.setting(b);
    this.report();
    this.render();
    return OK;
  }

  onLinkFrame(link: i32, frame: Uint8Array): i32 {
    if (link != Link.CARD) return E_UNSUPPORTED;
    const rc = this.cards.onFrame(frame);
    const slot = frame.length > 0 ? <i32>frame[0] : 0;
    if (this.cards.unreadable >= 0) {
      this.view.notice = Notice.UNREADABLE;
      this.view.noticeValue = this.cards.unreadable + 1;
    }
    // A card taken out of the slot the date-time setting picked: pick again.
    if (this.view.setting && this.view.settingSlot == slot && !this.cards.has(slot)) this.view.settingSlot = -1;
    this.render();
    return rc;
  }

  /** The service port: the installer's INSTALL here, the factory's PROVISION as every image. */
  onLink(link: i32, frame: Uint8Array): i32 {
    if (link == Link.SERVICE && isInstall(frame)) {
      const req = parseInstall(frame);
      let rc = E_INVAL;
      if (req !== null) { rc = this.install(req.meterCode, req.deviceId, req.password); wipe(req.password); }
      answerInstall(rc);
      this.render();
      return rc;
    }
    return super.onLink(link, frame);
  }

  onUdp(sender: i32, payload: Uint8Array): i32 { return this.lan.onDatagram(sender, payload); }

  onMqttState(arg: i32): i32 {
    const was = this.cloud.connected;
    const rc = super.onMqttState(arg);
    if (!was && this.cloud.connected) { this.tableDirty = true; this.report(); }
    return rc;
  }

  /** After the head-end's acknowledgements the outbox has room: readings still owed go on. */
  onMqttMessage(topic: string, payload: Uint8Array): i32 {
    const rc = super.onMqttMessage(topic, payload);
    // An acknowledgement makes room: readings and a table report the full outbox refused.
    if (this.owed || this.tableDirty) this.report();
    return rc;
  }

  onTimer(id: i32): i32 {
    const rc = super.onTimer(id);
    this.report();
    return rc;
  }

  // ------------------------------------------------------------ installation

  install(meterCode: Uint8Array, deviceId: string, password: Uint8Array): i32 {
    let rc = this.table.setMeterCode(meterCode);
    if (rc != OK) return rc;
    this.readMeterCode();
    const existing = this.store.registrationDeviceId();
    if (existing !== null) return existing == deviceId ? OK : E_STATE;   // a resend answers again
    rc = this.store.setRegistration(deviceId, password);
    if (rc != OK) return rc;
    board.compose().add("installed; registered as ").add(deviceId).info();
    this.cloud.start();
    this.tableDirty = true;
    this.report();
    return OK;
  }

  // ------------------------------------------------------------ cloud commands

  check(j: FlatJson): i32 { return checkCommand(this, j); }
  stage(j: FlatJson, t: CredentialTransaction): i32 { return stageCommand(this, j); }

  apply(j: FlatJson): i32 {
    if (kindOf(j) == Kind.READ) return this.read(companyOf(j), <u32>j.int("read", 0), <u32>j.int("cmd", 0));
    this.report();
    return this.answer;
  }

  /** `{"read":types}`: now, on up/read, with `types` ∩ the company's scope (E_AUTH, -6:
   *  the company holds no role). `t` is now; a slot's Wh is the `reading` entry's. */
  private read(co: u32, types: u32, cmd: u32): i32 {
    const scope = this.scopeOf(co);
    if (scope == 0) return E_AUTH;
    const want = types & scope;
    const w = new JsonWriter().num("cmd", cmd).num("co", co);
    const wall = this.clock.wallMs();
    if ((want & DataType.TIME) != 0 && wall >= 0) w.num("t", wall);
    if ((want & (DataType.POWER | DataType.ENERGY)) != 0 && board.measure(Channel.IMPORT, this.sample) == OK) {
      if ((want & DataType.POWER) != 0) w.num("w", <i32>getU32LE(this.sample, 0));
      if ((want & DataType.ENERGY) != 0) w.num("wh", <i64>getU32LE(this.sample, 4) | (<i64>getU32LE(this.sample, 8) << 32));
    }
    this.cloud.publish("read", w.toString());
    return OK;
  }

  /** The types company `co` may receive now (both roles), 0 when it holds none. */
  scopeOf(co: u32): u32 {
    let s: u32 = 0;
    if (this.table.code(Role.CONTRACT) == co) s |= this.table.types(Role.CONTRACT);
    if (this.table.code(Role.PROVISION) == co) s |= this.table.types(Role.PROVISION);
    return s;
  }

  // ------------------------------------------------------------ what the commands do

  /** A matching confirmation: the contract company's (in effect or to be) closes a new
   *  resident's breaker, or readies it after a security error. */
  confirmedBy(co: u32): void {
    const m = this.metering.confirmed(co);
    if (m != OK) board.compose().add("confirmation not kept for the readings: ").num(m).error();
    this.owed = true;
    if (this.isContractCompany(co)) {
      const rc = this.breaker.confirmed();
      if (rc < 0) board.compose().add("breaker not closed: ").num(rc).error();
    }
    this.tableChanged();
  }

  tableChanged(): void { this.tableDirty = true; }

  private isContractCompany(co: u32): bool {
    if (this.table.code(Role.CONTRACT) == co) return true;
    const n = this.table.pendingCount();
    for (let i = 0; i < n; i++) if (this.table.pendingRole(i) == Role.CONTRACT && this.table.pendingCode(i) == co) return true;
    return false;
  }

  // ------------------------------------------------------------ the table's events

  onScheduledEnd(role: u8, oldCode: u32, atUtc: i64, id: u32): void {
    if (oldCode == 0) return;
    const b = new Uint8Array(ENDING_BYTES);
    putU32LE(b, 0, oldCode);
    b[4] = role;
    putI64(b, 5, atUtc);
    putU32LE(b, 13, id);
    this.record(Entry.ENDING, b);
    this.tableDirty = true;
  }

  onSwitched(role: u8, oldCode: u32, newCode: u32, atUtc: i64, id: u32): void {
    const b = new Uint8Array(SWITCHED_BYTES);
    b[0] = role;
    putU32LE(b, 1, oldCode);
    putU32LE(b, 5, newCode);
    putI64(b, 9, atUtc);
    putU32LE(b, 17, id);
    this.record(Entry.SWITCHED, b);
    const rc = this.metering.onSwitched(role, oldCode, newCode, atUtc);
    if (rc != OK) board.compose().add("readings did not follow the switch: ").num(rc).error();
    this.owed = true;
    board.compose().add(role == Role.CONTRACT ? "contract" : "provision").add(" switched to ").num(newCode).info();
    this.tableDirty = true;
  }

  /** A mismatch: reported; for the electricity company (in effect or to be) the breaker opens. */
  onSecurityError(role: u8, code: u32): void {
    const b = new Uint8Array(SECURITY_BYTES);
    putU32LE(b, 0, code);
    b[4] = role;
    this.record(Entry.SECURITY, b);
    const m = this.metering.securityError(code);
    if (m != OK) board.compose().add("readings not blocked: ").num(m).error();
    board.compose().add("security error: company ").num(code).add(" did not match").warn();
    if (role == Role.CONTRACT) {
      const rc = this.breaker.securityError();
      if (rc < 0) board.compose().add("breaker opening not stored: ").num(rc).error();
    }
    this.tableDirty = true;
  }

  // ------------------------------------------------------------ panel actions

  /** SELECT_k (FIG. 9): an immediate switch to the card in slot k. */
  private switchNow(slot: i32): void {
    if (!this.cardReady(slot)) return;
    const c = this.cards;
    const rc = this.table.change(unchecked(c.role[slot]), IMMEDIATE, unchecked(c.code[slot]), unchecked(c.types[slot]));
    this.tableDirty = true;
    if (rc == Change.APPLIED) { this.view.notice = Notice.SWITCHED; this.view.noticeValue = unchecked(c.code[slot]); }
    else this.refused(rc);
  }

  /** In the date-time setting: the card, and the next :00/:30 as the first choice. */
  private pick(slot: i32): void {
    if (!this.cardReady(slot)) return;
    const wall = this.clock.wallMs();
    if (wall < 0) { this.view.notice = Notice.NO_TIME; return; }
    this.view.settingSlot = slot;
    this.view.settingAt = nextSlot(wall);
  }

  private setting(b: i32): void {
    const v = this.view;
    if (b == Button.BACK) { v.setting = false; return; }
    const slot = v.settingSlot;
    if (slot < 0) return;
    const wall = this.clock.wallMs();
    if (wall < 0) { v.notice = Notice.NO_TIME; return; }
    const first = nextSlot(wall);
    if (v.settingAt < first) v.settingAt = first;
    if (b == Button.UP) v.settingAt += SLOT_MS;
    else if (b == Button.DOWN) { if (v.settingAt - SLOT_MS >= first) v.settingAt -= SLOT_MS; }
    else if (b == Button.OK) {
      if (!this.cards.has(slot)) { v.settingSlot = -1; return; }
      const c = this.cards;
      const rc = this.table.change(unchecked(c.role[slot]), v.settingAt, unchecked(c.code[slot]), unchecked(c.types[slot]));
      this.tableDirty = true;
      if (rc == Change.SCHEDULED) { v.notice = Notice.SCHEDULED; v.noticeValue = this.table.lastId; v.setting = false; }
      else if (rc == Change.APPLIED) { v.notice = Notice.SWITCHED; v.noticeValue = unchecked(c.code[slot]); v.setting = false; }
      else this.refused(rc);
    }
  }

  private cardReady(slot: i32): bool {
    const s = unchecked(this.cards.state[slot]);
    if (s == SlotState.CARD) return true;
    this.view.notice = s == SlotState.EMPTY ? Notice.NO_CARD : Notice.UNREADABLE;
    this.view.noticeValue = slot + 1;
    return false;
  }

  private reconnect(): void {
    const rc = this.breaker.press();
    if (rc == Breaker.DONE) this.view.notice = Notice.RECONNECTED;
    else if (rc == E_STATE) this.view.notice = Notice.NOT_READY;
    else this.refused(rc);
  }

  private refused(rc: i32): void { this.view.notice = Notice.REFUSED; this.view.noticeValue = rc; }

  private askCard(slot: i32): void {
    const f = new Uint8Array(1);
    f[0] = <u8>slot;
    const rc = board.linkSend(Link.CARD, f);
    if (rc != OK) board.compose().add("card reader not asked: ").num(rc).warn();
  }

  // ------------------------------------------------------------ reports (outbox)

  /** Everything the servers must get: the breaker's transitions not yet handed, and the
   *  table when it changed (at boot, connect and every change), then the state (live). */
  report(): void {
    this.source.breakerOpen = this.breaker.state != BreakerState.CONNECTED;
    if (!this.store.registered()) return;
    this.reportBreaker();
    if (this.owed) this.handOff();
    // A table report refused by a full outbox stays owed and is offered again after the
    // next event (an acknowledgement makes room); the newest table is what it reports.
    if (this.tableDirty) { this.tableDirty = !this.offerTable(); this.stateDirty = true; }
    if (this.stateDirty) { this.stateDirty = false; this.publishState(); }
  }

  /** Rule 7: readings not yet handed go to the outbox, one batch per event (the rest
   *  after the next acknowledgement or transmission). */
  handOff(): void {
    const rc = this.metering.handOff(this.sink);
    this.owed = rc < 0 || (rc & HandOff.MORE) != 0;
    if (rc < 0 && rc != this.sink.refusal) board.compose().add("hand-off stopped: ").num(rc).warn();
  }

  /** The breaker's transitions not yet handed; a new one changes the state too. */
  private reportBreaker(): void {
    const br = this.breaker;
    for (let i = br.unreported(); i >= 0; i = br.unreported()) {
      br.log.write(i, this.entryBody, 0);
      if (this.cloud.enqueue(Entry.BREAKER, this.entryBody) < 0) break;
      this.stateDirty = true;
      if (br.reported(br.log.seqAt(i)) < 0) break;
    }
  }

  /** The table as it is now, offered to the outbox (Outbox.offer: the meter can always
   *  report it again, so a full outbox refuses it without counting a loss); false when
   *  it was refused for room and is still owed. */
  private offerTable(): bool {
    const t = this.table, b = this.tableBody;
    putU32LE(b, 0, t.version);
    putU32LE(b, 4, t.code(Role.CONTRACT));
    putU32LE(b, 8, t.types(Role.CONTRACT));
    putU32LE(b, 12, t.code(Role.PROVISION));
    putU32LE(b, 16, t.types(Role.PROVISION));
    const n = t.pendingCount();
    b[20] = <u8>(n > 255 ? 255 : n);
    b[21] = <u8><i8>(t.failure < -128 ? -128 : t.failure);
    if (!this.store.registered()) return true;
    const rc = this.cloud.offer(Entry.TABLE, b);
    if (rc < 0 && rc != E_NOSPACE) board.compose().add("table report not stored (").num(rc).add(")").error();
    return rc != E_NOSPACE;
  }

  /** An entry the servers must get (outbox): only for an installed meter. */
  private record(kind: u8, body: Uint8Array): void {
    if (!this.store.registered()) return;
    const rc = this.cloud.enqueue(kind, body);
    if (rc < 0) board.compose().add("outbox entry ").num(kind).add(" not stored (").num(rc).add(")").error();
  }

  // ------------------------------------------------------------ screen

  render(): void {
    if (this.menu.active) { showMenu(this.menu, this.menuHeld ? <i32>this.cloud.pending() : 0); return; }
    const v = this.view, t = this.table;
    v.contract = t.code(Role.CONTRACT);
    v.ctypes = t.types(Role.CONTRACT);
    v.provision = t.code(Role.PROVISION);
    v.ptypes = t.types(Role.PROVISION);
    v.pending = t.pendingCount();
    v.nextAt = v.pending > 0 ? t.pendingAt(0) : -1;
    v.nextCode = v.pending > 0 ? t.pendingCode(0) : 0;
    v.failure = t.failure;
    v.breaker = this.breaker.state;
    v.breakerFailure = this.breaker.failure;
    v.registered = this.store.registered();
    const log = this.metering.log, m = log.newest;
    v.readingAt = log.has(m) ? <i64>log.endMin(m) * 60_000 : -1;
    if (v.readingAt >= 0) { v.readingW = log.power(m); v.readingWh = log.energy(m); }
    v.online = this.cloud.connected;
    showPanel(v, this.cards);
  }

  /** The meter code's short form for the panel: up to 10 characters whole, else the
   *  first 4 and the last 4 (the installer compares it with the meter's label). */
  private readMeterCode(): void {
    const b = new Uint8Array(METER_CODE_MAX);
    const n = this.table.meterCode(b);
    if (n <= 0) { this.view.meterCode = ""; return; }
    let s = "";
    for (let i = 0; i < n; i++) {
      if (n > 10 && i == 4) { s += "…"; i = n - 5; continue; }
      const c = b[i];
      s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
    }
    this.view.meterCode = s;
  }

  /** After an initialization or factory reset: the breaker's report mark and the ECHONET
   *  settings went with the registration; the contract and the breaker stay. */
  onErased(): void {
    this.scheduler.boot();
    this.restore();
    this.bootTables();
    this.lan.start();
    this.owed = true;
    this.tableDirty = true;
  }

  /** A measurement was stored (after each :00/:30): the HEMS hears EA. */
  onMeasured(): void {
    this.lan.announceReading();
    this.render();
  }

  /** A transmission time came. */
  onTransmission(): void {
    this.owed = true;
    this.report();
  }
}

// The meter is already a ConnectedAppliance, and a class has one base: these pass the
// modules' callbacks on to it, once it is made.
class TableEvents extends ContractEvents {
  m: Meter | null = null;
  onScheduledEnd(role: u8, oldCode: u32, atUtc: i64, changeId: u32): void { const m = this.m; if (m !== null) m.onScheduledEnd(role, oldCode, atUtc, changeId); }
  onSwitched(role: u8, oldCode: u32, newCode: u32, atUtc: i64, changeId: u32): void { const m = this.m; if (m !== null) m.onSwitched(role, oldCode, newCode, atUtc, changeId); }
  onSecurityError(role: u8, code: u32): void { const m = this.m; if (m !== null) m.onSecurityError(role, code); }
}

class MeasuredEvents extends MeteringEvents {
  m: Meter | null = null;
  onMeasured(mseq: u32): void { const m = this.m; if (m !== null) m.onMeasured(); }
  onTransmission(): void { const m = this.m; if (m !== null) m.onTransmission(); }
}

class Erased extends EraseListener {
  m: Meter | null = null;
  onErased(factory: bool): void { this.m!.onErased(); }
}
