// The head-end's commands (PROTOCOL.md §3.2) and the fourth embodiment's breaker: a new
// resident's supply closed by a matching confirmation, a mismatch opening it for the
// contract company, the local press, a move-out; every transition a `breaker` entry.
import { OK, E_INVAL, E_NOTFOUND, E_AUTH } from "../../../core/errors";
import { DataType, Role } from "../../../modules/contract-table/index";
import { BreakerState } from "../../../modules/supply-breaker/index";
import { Button } from "../meter";
import { fresh, Rig, expectHas, breakerPin, lastPublished, load, KANTO, GREEN, DATA_CO, HOUR, T0 } from "./rig";

const ELECTRIC = DataType.TIME | DataType.ENERGY | DataType.HISTORY;   // 13
const DATA = DataType.TIME | DataType.POWER;                             // 3

/** Kanto Power holds the contract (immediate change), not yet confirmed. */
function withKanto(): Rig {
  const r = fresh().installed();
  expect(r.command(KANTO, '"change":0,"at":-1,"to":' + KANTO.toString() + ',"types":13')).toBe(OK);
  return r;
}

describe("commands", () => {
  it("a new resident: the supply stays off until the contract company's confirmation matches", () => {
    const r = withKanto();
    expect(r.meter.table.code(Role.CONTRACT)).toBe(KANTO);
    expect(r.meter.breaker.state).toBe(BreakerState.DISCONNECTED);
    expect(breakerPin()).toBe(0);
    expectHas(r.entriesOf("switched")[0], '"role":0,"from":0,"to":40961');
    expect(r.command(KANTO, '"confirm":13')).toBe(0);
    expect(r.meter.breaker.state).toBe(BreakerState.CONNECTED);
    expect(breakerPin()).toBe(1);
    const b = r.entriesOf("breaker");
    expect(b.length).toBe(1);
    expectHas(b[0], '"bseq":1,"from":0,"to":1,"reason":3,"t":' + T0.toString());
    expectHas(r.entries(), '"cmd":2,"status":0');
  });

  it("a mismatch: status 1, a security entry, the breaker opened; a match readies it and the press closes it", () => {
    const r = withKanto();
    expect(r.command(KANTO, '"confirm":13')).toBe(0);
    expect(r.command(KANTO, '"confirm":15')).toBe(1);
    expectHas(r.entriesOf("security")[0], '"co":40961,"role":0');
    expect(r.meter.breaker.state).toBe(BreakerState.DISCONNECTED);
    expect(breakerPin()).toBe(0);
    expect(r.meter.table.code(Role.CONTRACT)).toBe(KANTO);          // nothing switched
    r.press(Button.RECONNECT);                                        // not ready: nothing
    expect(r.meter.breaker.state).toBe(BreakerState.DISCONNECTED);
    expect(r.command(KANTO, '"confirm":13')).toBe(0);
    expect(r.meter.breaker.state).toBe(BreakerState.READY_FOR_RECONNECTION);
    expect(breakerPin()).toBe(0);
    r.press(Button.RECONNECT);
    expect(r.meter.breaker.state).toBe(BreakerState.CONNECTED);
    expect(breakerPin()).toBe(1);
    const b = r.entriesOf("breaker");
    expect(b.length).toBe(4);
    expectHas(b[3], '"from":2,"to":1,"reason":4');
  });

  it("a mismatch by a company unknown to the table or by the data company leaves the breaker", () => {
    const r = withKanto();
    expect(r.command(KANTO, '"confirm":13')).toBe(0);
    expect(r.command(GREEN, '"confirm":13')).toBe(1);
    expectHas(r.entriesOf("security")[0], '"co":45058,"role":255');
    expect(r.command(DATA_CO, '"change":1,"at":-1,"to":49155,"types":3')).toBe(OK);
    expect(r.command(DATA_CO, '"confirm":1')).toBe(1);
    expect(r.meter.breaker.state).toBe(BreakerState.CONNECTED);
  });

  it("a scheduled change answers its id, tells the old company of its end; cancel by who ordered it", () => {
    const r = withKanto();
    const at = T0 + 2 * HOUR;
    const id = r.command(GREEN, '"change":0,"at":' + at.toString() + ',"to":45058,"types":13');
    expect(id).toBeGreaterThanOrEqual(1);
    expectHas(r.entriesOf("ending")[0], '"co":40961,"role":0,"at":' + at.toString() + ',"id":' + id.toString());
    expectHas(r.entriesOf("table").pop(), '"pending":1');
    expect(r.command(KANTO, '"cancel":' + id.toString())).toBe(E_NOTFOUND);   // not Kanto's to cancel
    expect(r.command(GREEN, '"cancel":' + id.toString())).toBe(OK);
    expect(r.command(GREEN, '"cancel":' + id.toString())).toBe(E_NOTFOUND);
    expect(r.meter.table.pendingCount()).toBe(0);
  });

  it("a company orders only for itself: a change to another, or an abolition of a role it does not hold, is -1", () => {
    const r = withKanto();
    const floor = r.meter.commands.lastApplied();
    expect(r.command(GREEN, '"change":0,"at":-1,"to":40961,"types":13')).toBe(E_INVAL);
    expect(r.meter.commands.lastApplied()).toBe(floor);             // a refusal commits nothing
    expect(r.command(GREEN, '"change":0,"at":-1,"to":0,"types":0')).toBe(E_INVAL);
    expect(r.command(GREEN, '"change":2,"at":-1,"to":45058,"types":13')).toBe(E_INVAL);
    expect(r.command(GREEN, '"change":0,"at":-1,"to":45058,"types":16')).toBe(E_INVAL);
    expect(r.meter.table.code(Role.CONTRACT)).toBe(KANTO);
    expect(r.command(KANTO, '"change":0,"at":-1,"to":0,"types":0')).toBe(OK);    // abolition
    expect(r.meter.table.code(Role.CONTRACT)).toBe(0);
    expectHas(r.entriesOf("switched").pop(), '"from":40961,"to":0');
  });

  it("a command without a company, or with no known field, is -1", () => {
    const r = withKanto();
    expect(r.command(0, '"confirm":13')).toBe(E_INVAL);
    expect(r.command(KANTO, '"open":1')).toBe(E_INVAL);
  });

  it("read: on up/read with the asked types within the company's scope only; -6 without a role", () => {
    const r = withKanto();
    expect(r.command(DATA_CO, '"change":1,"at":-1,"to":49155,"types":3')).toBe(OK);
    load(640, 123456);
    expect(r.command(DATA_CO, '"read":15')).toBe(OK);
    const p = lastPublished();
    expectHas(p, '"co":49155');
    expectHas(p, '"w":640');
    expect(p.includes('"wh"')).toBe(false);
    expect(p.includes('"d"')).toBe(false);
    expect(r.command(KANTO, '"read":15')).toBe(OK);
    const k = lastPublished();
    expectHas(k, '"wh":123456');
    expect(k.includes('"w":')).toBe(false);
    const floor = r.meter.commands.lastApplied();
    expect(r.command(GREEN, '"read":15')).toBe(E_AUTH);
    expect(r.meter.commands.lastApplied()).toBe(floor);             // a refusal commits nothing
  });

  it("move-out: the contract company opens the breaker for a new resident; another company may not", () => {
    const r = withKanto();
    expect(r.command(KANTO, '"confirm":13')).toBe(0);
    expect(r.command(DATA_CO, '"change":1,"at":-1,"to":49155,"types":3')).toBe(OK);
    expect(r.command(DATA_CO, '"moveout":1')).toBe(E_AUTH);
    expect(r.meter.breaker.state).toBe(BreakerState.CONNECTED);
    expect(r.command(KANTO, '"moveout":1')).toBe(OK);
    expect(r.meter.breaker.state).toBe(BreakerState.DISCONNECTED);
    expect(breakerPin()).toBe(0);
    expectHas(r.entriesOf("breaker").pop(), '"from":1,"to":0,"reason":1');
    // The next resident: the contract company's confirmation closes it again.
    expect(r.command(KANTO, '"confirm":13')).toBe(0);
    expect(breakerPin()).toBe(1);
  });

  it("the breaker's state survives a reboot, and a repeated command is not applied twice", () => {
    let r = withKanto();
    expect(r.command(KANTO, '"confirm":15')).toBe(1);
    r = r.reboot(HOUR);
    expect(r.meter.breaker.state).toBe(BreakerState.DISCONNECTED);
    expect(breakerPin()).toBe(0);
    r.online();
    // The head-end resends the last command: answered again, not applied again.
    const before = r.entriesOf("security").length;
    expect(r.meter.onMqttMessage("devices/meter-dev-1/down", utf8('{"cmd":2,"co":40961,"confirm":15}'))).toBe(OK);
    expect(r.entriesOf("security").length).toBe(before);
  });
});

function utf8(s: string): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(s)); }
