// The water heater's operating state: settings kept in flash (hot-water and bath
// temperature, fill volume) and the running operations (automatic bath, reheating) that
// drive the burner relay. Every change is recorded as usage history.
import * as board from "../../board/index";
import { Pin } from "../../board/index";
import { OK, E_INVAL, E_RANGE } from "../../core/errors";
import { JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore, CredentialTransaction } from "../../modules/credential-store/index";
import { ValueType } from "../../modules/credential-store/index";
import { DeadlineOwner, Scheduler } from "../../modules/scheduler/index";

const SETTINGS: u32 = 0x0301;   // user record: survives initialization, erased by factory reset
// Deadline names (the image's list is in the scheduler's README). Both are volatile: the
// running operations are not kept in flash, so after a power cut the burner stays off.
export const AUTO_BATH_DEADLINE: u32 = 0x10;
export const REHEAT_DEADLINE: u32 = 0x11;
const REHEAT_MS: i64 = 10 * 60 * 1000;
const FILL_MS_PER_LITRE: i64 = 5000;

export namespace Setting {
  export const HOT_WATER_TEMP: i32 = 0;
  export const BATH_TEMP: i32 = 1;
  export const FILL_L: i32 = 2;
  export const AUTO_BATH: i32 = 3;
  export const REHEAT: i32 = 4;
}
export const SETTING_NAMES: string[] = ["hot_water_temp", "bath_temp", "fill_l", "auto_bath", "reheat"];
const MIN: i32[] = [35, 35, 100, 0, 0];
const MAX: i32[] = [60, 48, 300, 1, 1];
const STEP: i32[] = [1, 1, 10, 1, 1];
const DEFAULT: i32[] = [42, 41, 180, 0, 0];

export function settingIndex(name: string): i32 { return SETTING_NAMES.indexOf(name); }

/** What a change produced: the image reports history and state from it. */
export class Change {
  constructor(public event: string, public value: i32) {}
}

/** Who hears about a change the heater made by itself (a deadline), to report it. */
export abstract class ChangeListener {
  abstract onHeaterChange(c: Change): void;
}

export class Heater extends DeadlineOwner {
  values: i32[] = DEFAULT.slice(0);
  bathReady: bool = false;
  /** Why the last set() changed nothing although the value differed (OK otherwise). */
  saveError: i32 = OK;

  /** Hears about the changes deadlines make (the remote reports them). */
  listener: ChangeListener | null = null;

  constructor(private store: CredentialStore, private scheduler: Scheduler) {
    super();
    scheduler.register(AUTO_BATH_DEADLINE, this);
    scheduler.register(REHEAT_DEADLINE, this);
  }

  load(): void {
    const v = this.store.getTyped(SETTINGS, ValueType.BYTES);
    if (v !== null && v.length == 3) {
      const saved: i32[] = [<i32>v[0], <i32>v[1], <i32>v[2] * 10];
      for (let i = 0; i < 3; i++) if (valid(i, saved[i])) this.values[i] = saved[i];
    }
    this.values[Setting.AUTO_BATH] = 0;
    this.values[Setting.REHEAT] = 0;
    this.drive();
  }

  static check(i: i32, value: i64): i32 {
    if (i < 0 || i >= SETTING_NAMES.length) return E_INVAL;
    return valid(i, <i32>value) && value == <i64><i32>value ? OK : E_RANGE;
  }

  step(i: i32, dir: i32): i32 {
    const v = this.values[i] + dir * STEP[i];
    return v < MIN[i] ? MIN[i] : v > MAX[i] ? MAX[i] : v;
  }

  /** Applies a checked value; returns the history entry, or null if nothing changed.
   *  A setting kept in flash changes only once it is saved: if the write fails, nothing
   *  changes and `saveError` holds the store's error for the caller to report. */
  set(i: i32, value: i32, saved: bool = false): Change | null {
    this.saveError = OK;
    if (this.values[i] == value) return null;
    if (i <= Setting.FILL_L && !saved) {
      const old = this.values[i];
      this.values[i] = value;
      const rc = this.save();
      if (rc != OK) { this.values[i] = old; this.saveError = rc; return null; }
    }
    this.values[i] = value;
    if (i == Setting.AUTO_BATH) {
      this.bathReady = false;
      if (value == 1) this.scheduler.after(AUTO_BATH_DEADLINE, <i64>this.values[Setting.FILL_L] * FILL_MS_PER_LITRE);
      else this.scheduler.cancel(AUTO_BATH_DEADLINE);
    }
    if (i == Setting.REHEAT) {
      if (value == 1) this.scheduler.after(REHEAT_DEADLINE, REHEAT_MS);
      else this.scheduler.cancel(REHEAT_DEADLINE);
    }
    this.drive();
    return new Change(SETTING_NAMES[i], value);
  }

  /** Adds the settings record a checked value changes to `t` (a cloud command's
   *  transaction); then set(i, value, true) applies it. */
  stage(i: i32, value: i32, t: CredentialTransaction): i32 {
    if (i > Setting.FILL_L || this.values[i] == value) return OK;
    const old = this.values[i];
    this.values[i] = value;
    const b = this.settingsBytes();
    this.values[i] = old;
    return t.put(SETTINGS, ValueType.BYTES, 0, b);
  }

  /** The bath is full, or reheating is done. */
  onDeadline(name: u32, lateMs: i64): void {
    let c: Change | null = null;
    if (name == AUTO_BATH_DEADLINE && this.values[Setting.AUTO_BATH] == 1) {
      this.bathReady = true;
      c = new Change("bath_ready", this.values[Setting.FILL_L]);
    }
    if (name == REHEAT_DEADLINE && this.values[Setting.REHEAT] == 1) c = this.set(Setting.REHEAT, 0);
    const l = this.listener;
    if (c !== null && l !== null) l.onHeaterChange(c);
  }

  stateJson(): string {
    return new JsonWriter()
      .num("hot_water_temp", this.values[0]).num("bath_temp", this.values[1]).num("fill_l", this.values[2])
      .bool("auto_bath", this.values[3] == 1).bool("reheat", this.values[4] == 1).bool("bath_ready", this.bathReady)
      .toString();
  }

  private save(): i32 { return this.store.put(SETTINGS, ValueType.BYTES, 0, this.settingsBytes()); }

  private settingsBytes(): Uint8Array {
    const b = new Uint8Array(3);
    b[0] = <u8>this.values[0];
    b[1] = <u8>this.values[1];
    b[2] = <u8>(this.values[2] / 10);
    return b;
  }

  /** The burner runs while the bath is filled and kept warm, or reheated. */
  private drive(): void {
    board.gpioWrite(Pin.RELAY, this.values[Setting.AUTO_BATH] == 1 || this.values[Setting.REHEAT] == 1 ? 1 : 0);
  }
}

function valid(i: i32, v: i32): bool { return v >= MIN[i] && v <= MAX[i] && (v - MIN[i]) % STEP[i] == 0; }
