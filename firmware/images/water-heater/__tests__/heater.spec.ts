// Checked writes: a setting kept in flash takes effect only once it is saved.
import { RecordStore } from "../../../storage/record-store";
import { CredentialStore } from "../../../modules/credential-store/credential-store";
import { Heater, Setting } from "../heater";
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
    const h = new Heater(store);
    h.load();
    expect(h.set(Setting.BATH_TEMP, 44) !== null).toBe(true);
    expect(h.saveError).toBe(OK);
    const again = new Heater(store);
    again.load();
    expect(again.values[Setting.BATH_TEMP]).toBe(44);
  });

  it("a setting whose write fails is not applied and says why", () => {
    const records = new FailingWrites();
    const store = new CredentialStore(records, waterHeaterKeyspace());
    expect(store.open()).toBe(OK);
    const h = new Heater(store);
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
    const again = new Heater(store);
    again.load();
    expect(again.values[Setting.HOT_WATER_TEMP]).toBe(before);
  });
});
