// ECHONET Lite on the home LAN (PROTOCOL.md §5): the meter's node (modules/echonet-lite)
// over UDP port 3610. Answers go to the asker's address, INF to 224.0.23.0. The LAN has
// no data scope: it is the customer's own network and the customer's own data.
import * as board from "../../board/index";
import { Channel, MEASURE_BYTES } from "../../board/index";
import { OK, E_MALFORMED, E_STATE } from "../../core/errors";
import { getU16BE, getU32LE } from "../../core/codecs/bytes";
import { CredentialStore } from "../../modules/credential-store/index";
import {
  EchonetNode, NodeConfig, MeterProvider, History, FixedTimeEnergy, NOT_HELD, NO_POWER_DATA,
  OPERATING, NO_FAULT, FAULT, NO_HISTORY_DAY, UNIQUE_ID_BYTES, NOT_MEASURED, SLOTS,
} from "../../modules/echonet-lite/index";
import { Metering } from "../../modules/metering/index";
import { Clock } from "../../modules/scheduler/index";
import { CivilTime, civil, DAY_MS, SLOT_MS } from "./utc";
import { HISTORY_DAY_RECORD, LOCATION_RECORD } from "./keys";

export const ECHONET_PORT: i32 = 3610;
/** 224.0.23.0, the ECHONET Lite multicast group. */
export const ECHONET_GROUP: i32 = <i32>0xe0001700;
/** E0's register wraps here (D7: 8 digits). */
const REGISTER_MODULO: i64 = 100_000_000;
/** E1 `03`: 0.001 kWh, so E0 is the register in Wh. */
const UNIT_WH: i64 = 0x03;

/** What the measurement log gives ECHONET: EA (the newest :00/:30 reading) and E2 (the
 *  register at each :00/:30 of a UTC day, as the MRA's cumulative history 1). */
export class ReadingSource {
  private t: CivilTime = new CivilTime();
  constructor(private metering: Metering, private clock: Clock) {}

  latest(r: FixedTimeEnergy): bool {
    const end = this.metering.latestEnd();
    if (end < 0) return false;
    const wh = this.metering.registerAt(end);
    if (wh < 0) return false;
    const t = this.t;
    civil(end, t);
    r.year = t.year; r.month = t.month; r.day = t.day;
    r.hour = t.hour; r.minute = t.minute; r.second = t.second;
    r.energy = <u32>(wh % REGISTER_MODULO);
    return true;
  }

  /** The day `back` days before today (UTC): the register at 00:00, 00:30 … 23:30, each
   *  NOT_MEASURED where the log holds no reading. False without wall time. */
  day(back: i32, h: History): bool {
    const wall = this.clock.wallMs();
    if (wall < 0) return false;
    const start = (wall / DAY_MS - <i64>back) * DAY_MS;
    for (let k = 0; k < SLOTS; k++) {
      const wh = start < 0 ? -1 : this.metering.registerAt(start + <i64>k * SLOT_MS);
      unchecked(h.slots[k] = wh < 0 ? NOT_MEASURED : <u32>(wh % REGISTER_MODULO));
    }
    return true;
  }
}

class Values extends MeterProvider {
  private sample: Uint8Array = new Uint8Array(MEASURE_BYTES);
  historyDayValue: u8 = 0;
  locationValue: i64 = NOT_HELD;

  constructor(private store: CredentialStore, public readings: ReadingSource) { super(); }

  operationStatus(): i64 { return OPERATING; }
  location(): i64 { return this.locationValue; }
  setLocation(code: u8): bool {
    if (<i64>code == this.locationValue) return true;         // a HEMS repeating itself wears nothing
    if (this.store.putU32(LOCATION_RECORD, code, 0) != OK) return false;
    this.locationValue = code;
    return true;
  }
  faultStatus(): i64 { return board.measure(Channel.IMPORT, this.sample) == OK ? NO_FAULT : FAULT; }
  coefficient(): i64 { return 1; }
  digits(): i64 { return 8; }
  unit(): i64 { return UNIT_WH; }
  energy(): i64 {
    if (board.measure(Channel.IMPORT, this.sample) != OK) return NOT_HELD;
    const wh = <i64>getU32LE(this.sample, 4) | (<i64>getU32LE(this.sample, 8) << 32);
    return wh < 0 ? NOT_HELD : wh % REGISTER_MODULO;
  }
  power(): i64 {
    if (board.measure(Channel.IMPORT, this.sample) != OK) return NO_POWER_DATA;
    return <i64><i32>getU32LE(this.sample, 0);
  }
  historyDay(): i64 { return this.historyDayValue; }
  setHistoryDay(day: u8): bool {
    if (day == this.historyDayValue) return true;
    if (this.store.putU32(HISTORY_DAY_RECORD, day, 0) != OK) return false;
    this.historyDayValue = day;
    return true;
  }
  history(h: History): bool {
    const d = this.historyDayValue;
    if (d == NO_HISTORY_DAY) return false;
    h.day = d;
    return this.readings.day(d, h);
  }
  fixedTimeEnergy(r: FixedTimeEnergy): bool { return this.readings.latest(r); }

  load(): void {
    const d = this.store.getU32(HISTORY_DAY_RECORD);
    this.historyDayValue = d >= 0 && d <= 0xff ? <u8>d : 0;
    const l = this.store.getU32(LOCATION_RECORD);
    this.locationValue = l >= 0 && l <= 0xff ? l : NOT_HELD;
  }
}

export class Lan {
  node: EchonetNode;
  private values: Values;
  bound: bool = false;
  /** The fault status (88) the group last heard: the start-up's, then each change's. */
  private faultHeard: i64 = -1;

  constructor(private store: CredentialStore, readings: ReadingSource) {
    const values = new Values(store, readings);
    this.values = values;
    this.node = new EchonetNode(new NodeConfig(), values);
  }

  /** At boot: the stored E5 and 81, the node's unique id from the serial, the port bound
   *  and the start-up instance list announced. */
  start(): void {
    this.values.load();
    const serial = this.store.serial();
    const id = this.node.config.uniqueId;
    if (serial !== null) {
      const s = board.utf8(serial);
      for (let i = 0; i < UNIQUE_ID_BYTES; i++) id[i] = i < s.length ? s[i] : 0;
    }
    const rc = board.udpBind(ECHONET_PORT, ECHONET_GROUP);
    this.bound = rc == OK;
    if (!this.bound) { board.compose().add("ECHONET Lite port not bound: ").num(rc).error(); return; }
    this.send(ECHONET_GROUP, this.node.announceInstances());
    this.faultHeard = this.values.faultStatus();
  }

  /** A datagram to port 3610 (payload: the sender's port u16 BE, then the datagram). */
  onDatagram(sender: i32, payload: Uint8Array): i32 {
    if (!this.bound) return E_STATE;
    if (payload.length < 2) return E_MALFORMED;
    const port = getU16BE(payload, 0);
    if (port == 0) return E_MALFORMED;
    const frame = payload.subarray(2);
    const location = this.values.location();
    const n = this.node.handle(frame, frame.length);
    if (n > 0) this.send(this.node.multicast ? ECHONET_GROUP : sender, n);
    // A property of the INF map that a Set changed is announced to the group, after the
    // answer (the node's one buffer is reused).
    if (this.values.location() != location) this.announce(0x81);
    return OK;
  }

  /** After each :00/:30 measurement: EA to the group. */
  announceReading(): void {
    if (!this.bound) return;
    this.announce(0xea);
    // The front end failed or recovered since the group last heard: 88 changed.
    const fault = this.values.faultStatus();
    if (fault != this.faultHeard) { this.faultHeard = fault; this.announce(0x88); }
  }

  private announce(epc: u8): void {
    const n = this.node.announce(epc);
    if (n > 0) this.send(ECHONET_GROUP, n);
  }

  private send(to: i32, n: i32): void {
    if (n <= 0) return;
    const rc = board.udpSend(to, ECHONET_PORT, this.node.out.buf, n);
    if (rc != OK) board.compose().add("ECHONET Lite datagram not sent: ").num(rc).warn();
  }
}
