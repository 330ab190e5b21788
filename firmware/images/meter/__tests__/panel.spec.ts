// The card slots and the buttons of FIG. 9 (PROTOCOL.md §1): an immediate switch by a
// selection button, a scheduled one by the date-time setting, unreadable cards, the
// reader asked at boot, the panel's lines.
import * as board from "../../../board/index";
import { Link } from "../../../board/index";
import { OK, E_INVAL, E_MALFORMED } from "../../../core/errors";
import { DataType, Role } from "../../../modules/contract-table/index";
import { Button } from "../meter";
import { SlotState } from "../card";
import { fresh, card, lastSent, shown, expectHas, KANTO, GREEN, DATA_CO, MINUTE, HOUR, T0 } from "./rig";

const ELECTRIC = DataType.TIME | DataType.ENERGY | DataType.HISTORY;

describe("cards and buttons", () => {
  it("the reader is asked for all three slots at boot", () => {
    fresh();
    expect(lastSent(Link.CARD)[0]).toBe(2);
  });

  it("SELECT_k switches at once to the card in slot k", () => {
    const r = fresh().installed();
    expect(r.card(1, card(Role.CONTRACT, GREEN, ELECTRIC))).toBe(OK);
    r.press(Button.SELECT_2);
    expect(r.meter.table.code(Role.CONTRACT)).toBe(GREEN);
    expect(r.meter.table.types(Role.CONTRACT)).toBe(ELECTRIC);
    expectHas(r.entriesOf("switched")[0], '"role":0,"from":0,"to":45058');
    expect(shown(board.utf8("Switched to B002"))).toBeGreaterThan(0);
  });

  it("an empty slot, an unreadable card: a notice, nothing changes", () => {
    const r = fresh().installed();
    r.press(Button.SELECT_1);
    expect(shown(board.utf8("No card in slot 1"))).toBeGreaterThan(0);
    const bad = card(Role.CONTRACT, GREEN, ELECTRIC);
    bad[2] = 2;                                            // another version
    expect(r.card(0, bad)).toBe(E_MALFORMED);
    expect(r.meter.cards.state[0]).toBe(SlotState.UNREADABLE);
    expect(shown(board.utf8("Card 1 unreadable"))).toBeGreaterThan(0);
    r.press(Button.SELECT_1);
    expect(r.card(2, card(Role.CONTRACT, GREEN, 0x10))).toBe(E_MALFORMED);     // unknown type
    expect(r.card(2, card(Role.CONTRACT, GREEN, ELECTRIC).subarray(0, 15))).toBe(E_MALFORMED);
    expect(r.card(3, card(Role.CONTRACT, GREEN, ELECTRIC))).toBe(E_INVAL);
    expect(r.meter.table.code(Role.CONTRACT)).toBe(0);
    expect(r.meter.table.version).toBe(0);
    // Taken out: empty again.
    expect(r.card(0, new Uint8Array(0))).toBe(OK);
    expect(r.meter.cards.state[0]).toBe(SlotState.EMPTY);
  });

  it("the date-time setting: SET_TIME, a card, UP twice, OK: scheduled at the third :00/:30, the old company told", () => {
    const r = fresh().installed();
    expect(r.command(KANTO, '"change":0,"at":-1,"to":40961,"types":13')).toBe(OK);
    expect(r.card(0, card(Role.CONTRACT, GREEN, ELECTRIC))).toBe(OK);
    r.press(Button.SET_TIME);
    r.press(Button.SELECT_1);
    r.press(Button.UP);
    r.press(Button.UP);
    r.press(Button.DOWN);
    r.press(Button.UP);
    const at = T0 + 23 * MINUTE + HOUR;                   // 10:30 + 1 h
    expect(shown(board.utf8("Switch at 2026-09-22 11:30"))).toBeGreaterThan(0);
    r.press(Button.OK);
    expect(r.meter.table.pendingCount()).toBe(1);
    expect(r.meter.table.pendingAt(0)).toBe(at);
    expect(r.meter.table.pendingCode(0)).toBe(GREEN);
    expectHas(r.entriesOf("ending")[0], '"co":40961,"role":0,"at":' + at.toString());
    expect(r.meter.table.code(Role.CONTRACT)).toBe(KANTO);
    r.runToUtc(at);
    expect(r.meter.table.code(Role.CONTRACT)).toBe(GREEN);
  });

  it("DOWN never goes before the next :00/:30; BACK leaves without storing", () => {
    const r = fresh().installed();
    expect(r.card(2, card(Role.PROVISION, DATA_CO, DataType.POWER))).toBe(OK);
    r.press(Button.SET_TIME);
    r.press(Button.SELECT_3);
    r.press(Button.DOWN);
    r.press(Button.DOWN);
    expect(shown(board.utf8("Switch at 2026-09-22 10:30"))).toBeGreaterThan(0);
    r.press(Button.BACK);
    expect(r.meter.table.pendingCount()).toBe(0);
  });

  it("the panel shows the companies with their types, the breaker and the slots", () => {
    const r = fresh().installed();
    expect(r.command(KANTO, '"change":0,"at":-1,"to":40961,"types":13')).toBe(OK);
    expect(r.card(0, card(Role.CONTRACT, GREEN, ELECTRIC))).toBe(OK);
    r.press(Button.BACK);
    expect(shown(board.utf8("Contract A001 [TEH]"))).toBeGreaterThan(0);
    expect(shown(board.utf8("Breaker off"))).toBeGreaterThan(0);
    expect(shown(board.utf8("Cards 1:B002 2:- 3:-"))).toBeGreaterThan(0);
  });

  it("an initialization waits until the head-end acknowledged the outbox (readings are not dropped with it)", () => {
    const r = fresh().installed();
    expect(r.meter.cloud.pending()).toBeGreaterThan(0);       // the table entries of boot and connect
    r.press(Button.MENU);
    r.press(Button.OK);                                        // Initialize?
    r.press(Button.OK);
    expect(shown(board.utf8("Not yet delivered: "))).toBeGreaterThan(0);
    expect(r.store.registered()).toBe(true);
    r.ackAll();
    r.press(Button.OK);                                        // the erase starts: the cloud retires it
    expect(r.meter.onMqttMessage("devices/meter-dev-1/down", board.utf8('{"retired":1}'))).toBe(OK);
    expect(r.store.registered()).toBe(false);
    expect(r.meter.table.meterCode(new Uint8Array(32))).toBeGreaterThan(0);   // the meter code stays
  });

  it("MENU opens the connection menu; BACK leaves it", () => {
    const r = fresh().installed();
    r.press(Button.MENU);
    expect(r.meter.menu.active).toBe(true);
    expect(shown(board.utf8("> Initialize"))).toBeGreaterThan(0);
    r.press(Button.BACK);
    expect(r.meter.menu.active).toBe(false);
  });
});
