// Installation over the service port (PROTOCOL.md §2): the meter code written once, the
// registration stored, the cloud link started; the password never shown.
import * as board from "../../../board/index";
import { OK, E_INVAL, E_STATE } from "../../../core/errors";
import { fresh, installFrame, lastSent, shown, METER_CODE, DEVICE_ID, PASSWORD, HOUR } from "./rig";
import { Link } from "../../../board/index";

describe("installation", () => {
  it("stores the meter code and the registration; the panel shows the code's short form", () => {
    const r = fresh();
    expect(r.store.registered()).toBe(false);
    expect(r.install()).toBe(OK);
    expect(r.store.registered()).toBe(true);
    expect(r.store.registrationDeviceId()!).toBe(DEVICE_ID);
    const b = new Uint8Array(32);
    expect(r.meter.table.meterCode(b)).toBe(METER_CODE.length);
    expect(shown(board.utf8("JP-0…8901"))).toBeGreaterThan(0);
  });

  it("the same installation again answers OK; another meter code is refused (-3)", () => {
    const r = fresh();
    expect(r.install()).toBe(OK);
    expect(r.install()).toBe(OK);
    expect(r.install("JP-9999")).toBe(E_STATE);
    const re = r.reboot(HOUR);
    expect(re.install("JP-9999")).toBe(E_STATE);
    expect(re.store.registered()).toBe(true);
  });

  it("a malformed request is refused (-1) and stores nothing", () => {
    const r = fresh();
    const f = installFrame(METER_CODE, DEVICE_ID, "short");
    r.meter.onLink(Link.SERVICE, f);
    expect(<i32><i8>lastSent(Link.SERVICE)[1]).toBe(E_INVAL);
    const g = installFrame(METER_CODE, "bad/id", PASSWORD);
    r.meter.onLink(Link.SERVICE, g);
    expect(<i32><i8>lastSent(Link.SERVICE)[1]).toBe(E_INVAL);
    const cut = installFrame(METER_CODE, DEVICE_ID, PASSWORD).subarray(0, 20);
    r.meter.onLink(Link.SERVICE, cut);
    expect(<i32><i8>lastSent(Link.SERVICE)[1]).toBe(E_INVAL);
    expect(r.store.registered()).toBe(false);
    expect(r.meter.table.meterCode(new Uint8Array(32))).toBeLessThan(0);
  });

  it("the password reaches no log line and no screen", () => {
    const r = fresh();
    expect(r.install()).toBe(OK);
    r.online();
    expect(shown(board.utf8(PASSWORD))).toBe(0);
  });

  it("an installed meter reports its table and its breaker on connect", () => {
    const r = fresh().installed();
    expect(r.entriesOf("table").length).toBeGreaterThan(0);
    const br = r.entriesOf("breaker");
    expect(br.length).toBe(0);          // a new meter has made no transition yet
    expect(r.meter.stateJson()).toBe('{"breaker":0,"contract":0,"provision":0,"version":0,"pending":0}');
  });
});

