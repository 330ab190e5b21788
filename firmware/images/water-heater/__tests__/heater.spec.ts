// Checked writes: a setting kept in flash takes effect only once it is saved.
import { RecordStore } from "../../../storage/record-store";
import { CredentialStore } from "../../../modules/credential-store/index";
import { Heater, Setting, Change, ChangeListener } from "../heater";
import { Clock, Scheduler } from "../../../modules/scheduler/index";
import { waterHeaterKeyspace } from "../keys";
import { OK, E_IO } from "../../../core/errors";

/** A record store whose writes can be made to fail, as a worn or full flash would. */
class FailingWrites extends RecordStore {
  failing: bool = false;
  put(key: u32, data: Uint8Array): i32 { return this.failing ? E_IO : super.put(key, data); }
}

describe("heater settings", () => {
  it("a saved setting changes and survives a reboot", () => {
    const records = new FailingWrites();
    const store = new CredentialStore(records, waterHeaterKeyspace());
    expect(store.open()).toBe(OK);
    const h = new Heater(store, new Scheduler(0, store));
    h.load();
    expect(h.set(Setting.BATH_TEMP, 44) !== null).toBe(true);
    expect(h.saveError).toBe(OK);
    const again = new Heater(store, new Scheduler(0, store));
    again.load();
    expect(again.values[Setting.BATH_TEMP]).toBe(44);
  });

  it("a setting whose write fails is not applied and says why", () => {
    const records = new FailingWrites();
    const store = new CredentialStore(records, waterHeaterKeyspace());
    expect(store.open()).toBe(OK);
    const h = new Heater(store, new Scheduler(0, store));
    h.load();
    const before = h.values[Setting.HOT_WATER_TEMP];
    records.failing = true;
    expect(h.set(Setting.HOT_WATER_TEMP, before == 50 ? 51 : 50) === null).toBe(true);
    expect(h.saveError).toBe(E_IO);
    expect(h.values[Setting.HOT_WATER_TEMP]).toBe(before);
    // Running operations are not kept in flash: they still work while writes fail.
    expect(h.set(Setting.REHEAT, 1) !== null).toBe(true);
    expect(h.saveError).toBe(OK);
    records.failing = false;
    const again = new Heater(store, new Scheduler(0, store));
    again.load();
    expect(again.values[Setting.HOT_WATER_TEMP]).toBe(before);
  });
});

/** Device time moved by the test; the timer's delay is remembered for it to run. */
class HandClock extends Clock {
  now: i64 = 0;
  delay: i32 = -1;
  nowMs(): i64 { return this.now; }
  wallMs(): i64 { return -1; }
  setTimer(id: i32, delayMs: i32): void { this.delay = delayMs; }
  cancelTimer(id: i32): void { this.delay = -1; }
}

class Changes extends ChangeListener {
  seen: string[] = [];
  onHeaterChange(c: Change): void { this.seen.push(c.event + "=" + c.value.toString()); }
}

describe("heater operations on the scheduler", () => {
  it("reheating stops after 10 minutes and the bath is ready after its fill time", () => {
    const store = new CredentialStore(new RecordStore(), waterHeaterKeyspace());
    expect(store.open()).toBe(OK);
    const clock = new HandClock();
    const scheduler = new Scheduler(0, store, clock);
    const h = new Heater(store, scheduler);
    const changes = new Changes();
    h.listener = changes;
    h.load();
    h.set(Setting.AUTO_BATH, 1);
    h.set(Setting.REHEAT, 1);
    const fill = <i64>h.values[Setting.FILL_L] * 5000;   // 15 min for the default 180 L
    expect(clock.delay).toBe(600_000);
    clock.now = 600_000; clock.delay = -1;
    scheduler.onTimer(0);
    expect(h.values[Setting.REHEAT]).toBe(0);
    expect(h.bathReady).toBe(false);
    expect(<i64>clock.delay).toBe(fill - 600_000);
    clock.now = fill; clock.delay = -1;
    scheduler.onTimer(0);
    expect(h.bathReady).toBe(true);
    expect(changes.seen.join(",")).toBe("reheat=0,bath_ready=" + h.values[Setting.FILL_L].toString());
    expect(clock.delay).toBe(-1);
  });
});
