// Authentication information through the cloud (PROTOCOL.md §4.2) and credentials on the
// panel (operation example 1): stored and reported, a forged one refused and reported
// with its reason, the code's entry opening the change screen, a change reported with who
// allowed it, a wrong code counted, the maintenance credential, BACK closing the grant.
import * as board from "../../../board/index";
import { OK, E_AUTH } from "../../../core/errors";
import { Item } from "../../../modules/unique-info/index";
import { fresh, expectHas, shown, Button, Claim, information, PARTNER, PARTNER_KEY, STRANGER_KEY, DIGITS, OTHER_DIGITS,
  MAINTENANCE_DIGITS, SITE } from "./rig";

describe("authentication information and the panel's credential", () => {
  test("authentication information from the partner is stored, answered 0 and reported", () => {
    const r = fresh().installed();
    expect(r.authFrom(1)).toBe(OK);
    expect(r.pcs.auth.held()).toBe(true);
    const a = r.entriesOf("auth");
    expect(a.length).toBe(1);
    expectHas(a[0], '"event":"stored","issuer":53505,"serial":1,"via":"cloud"');
    expectHas(r.everything(), '"cmd":1,"status":0');
    r.pcs.render();
    expect(shown(board.utf8("Authentication info: until 2026-09-23 10:07 UTC, 3 uses, 5 tries"))).toBeGreaterThan(0);
  });

  test("information signed with another key is refused (-6), reported with its reason, and changes nothing", () => {
    const r = fresh().installed();
    expect(r.sendAuth(information(STRANGER_KEY, new Claim(PARTNER, 1)))).toBe(E_AUTH);
    expect(r.pcs.auth.held()).toBe(false);
    expectHas(r.entriesOf("auth")[0], '"event":"refused","issuer":53505,"serial":1,"via":"cloud","reason":"bad-signature"');
    // A refusal commits no replay floor: the real partner's next command still counts.
    expect(r.authFrom(1)).toBe(OK);
  });

  test("the code on the panel opens the change screen; a site typed there is changed and reported", () => {
    const r = fresh().installed();
    expect(r.authFrom(7)).toBe(OK);
    r.enterCode(DIGITS);
    expect(r.pcs.auth.grant.isOpen()).toBe(true);
    expect(shown(board.utf8("Change data\n> Personal data\n  Usage history\n  Site id"))).toBeGreaterThan(0);
    // DOWN twice to Site id, OK, New value, the digits, OK.
    r.press(Button.DOWN); r.press(Button.DOWN); r.press(Button.OK); r.press(Button.OK);
    r.type("4711");
    r.press(Button.OK);
    expect(r.pcs.unique.site()).toBe("4711");
    const c = r.entriesOf("change");
    expect(c.length).toBe(1);
    expectHas(c[0], '"item":"site","op":"set","by":"D101:7","via":"panel","site":"4711"');
    expectHas(r.entriesOf("auth").join("\n"), '"event":"match","issuer":53505,"serial":7,"via":"panel"');
    // BACK twice: out of the item, out of the change screen; the grant is closed.
    r.press(Button.BACK);
    expect(r.pcs.auth.grant.isOpen()).toBe(false);
  });

  test("a wrong code is reported as a mismatch and opens nothing", () => {
    const r = fresh().installed();
    expect(r.authFrom(1)).toBe(OK);
    r.enterCode(OTHER_DIGITS);
    expect(r.pcs.auth.grant.isOpen()).toBe(false);
    expect(r.pcs.auth.triesLeft()).toBe(4);
    expectHas(r.entriesOf("auth").join("\n"), '"event":"mismatch","issuer":53505,"serial":1,"via":"panel"');
    expect(shown(board.utf8("Wrong code or not allowed (4 tries left)"))).toBeGreaterThan(0);
    // The digits typed never reach a screen or a log.
    expect(shown(board.utf8(OTHER_DIGITS))).toBe(0);
  });

  test("the factory maintenance credential opens every item, and a delete is reported as by maintenance", () => {
    const r = fresh().installed();
    r.enterCode(MAINTENANCE_DIGITS, true);
    expect(r.pcs.auth.grant.isOpen()).toBe(true);
    // Personal data is the first row: OK, Delete, OK.
    r.press(Button.OK); r.press(Button.OK);
    expect(r.pcs.unique.present(Item.PERSONAL)).toBe(false);
    expectHas(r.entriesOf("change")[0], '"item":"personal","op":"delete","by":"maintenance","via":"panel"');
    expect(r.pcs.unique.site()).toBe(SITE);
  });

  test("the grant closes by itself after 10 minutes without a change", () => {
    const r = fresh().installed();
    expect(r.authFrom(1)).toBe(OK);
    r.enterCode(DIGITS);
    expect(r.pcs.auth.grant.isOpen()).toBe(true);
    r.wait(10 * 60_000 + 1);
    expect(r.pcs.auth.grant.isOpen()).toBe(false);
    expect(r.pcs.keypad.mode).toBe(0);
  });

  test("behind a grant for every item, Initialize erases the personal data and the registration, and closes the grant", () => {
    const r = fresh().installed();
    r.enterCode(MAINTENANCE_DIGITS, true);
    // Rows: the five items, Initialize, Factory reset.
    for (let i = 0; i < 5; i++) r.press(Button.DOWN);
    r.press(Button.OK);
    expect(r.pcs.menu.active).toBe(true);
    r.ackAll();
    r.press(Button.OK);                       // Initialize? OK: the cloud is told first
    r.pcs.onMqttMessage("devices/pcs-dev-1/down", board.utf8('{"retired":1}'));
    expect(r.store.registered()).toBe(false);
    expect(r.pcs.unique.present(Item.PERSONAL)).toBe(false);
    expect(r.pcs.unique.site()).toBe(SITE);
    expect(r.pcs.auth.grant.isOpen()).toBe(false);
    expect(r.pcs.keypad.mode).toBe(0);
  });
});
