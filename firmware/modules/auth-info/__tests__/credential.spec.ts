// Checking a credential against the authentication information held (PROTOCOL.md
// §2.2-§2.3): its lifetime from arrival, N successes and M failures, the grant a match
// opens and what closes it.
import * as board from "../../../board/index";
import { OK, E_AUTH, E_INVAL, E_LOCKED, E_MALFORMED, E_NOTFOUND, E_STATE } from "../../../core/errors";
import { AuthConfig, AuthDeadline, AuthEvent, Kind, Via } from "..";
import { Item } from "../../unique-info/index";
import {
  Claim, DIGITS, HOUR, MINUTE, NEW_PARTNER, NEW_PARTNER_KEY, OTHER_DIGITS, PARTNER, PARTNER_KEY, SECOND, T0, connection,
  freshRig, information,
} from "./rig";

describe("a server-issued credential", () => {
  it("matches, opens the grant for the items the information allows and reports the match", () => {
    const rig = freshRig();
    const c = new Claim(PARTNER, 3);
    c.items = 0x0c;
    expect(rig.auth.receive(information(PARTNER_KEY, c), 0)).toBe(OK);
    expect(rig.auth.grant.isOpen()).toBe(false);
    expect(rig.auth.check(Kind.SERVER, board.utf8(DIGITS), Via.BLE)).toBe(OK);
    const g = rig.auth.grant;
    expect(g.isOpen()).toBe(true);
    expect(g.items).toBe(0x0c);
    expect(g.allows(2)).toBe(true);
    expect(g.allows(3)).toBe(true);
    expect(g.allows(0)).toBe(false);
    expect(g.allows(4)).toBe(false);
    expect(g.via).toBe(Via.BLE);
    expect(g.issuer).toBe(PARTNER);
    expect(g.serial).toBe(3);
    expect(rig.events.last()).toBe(AuthEvent.MATCH);
    expect(rig.events.vias[rig.events.count() - 1]).toBe(Via.BLE);
    expect(rig.auth.usesLeft()).toBe(2);
    expect(rig.auth.triesLeft()).toBe(5);   // the try counted before comparing is given back
  });

  it("is refused without information, without wall time, and when it is no digits", () => {
    const rig = freshRig();
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.auth.check(Kind.SERVER, board.utf8("48151623a2"), Via.PANEL)).toBe(E_MALFORMED);
    expect(rig.auth.check(Kind.SERVER, new Uint8Array(0), Via.PANEL)).toBe(E_MALFORMED);
    expect(rig.auth.check(Kind.SERVER, new Uint8Array(33).fill(0x31), Via.PANEL)).toBe(E_MALFORMED);
    expect(rig.auth.check(9, board.utf8(DIGITS), Via.PANEL)).toBe(E_INVAL);
    rig.clock.wallKnown = false;
    expect(rig.check(DIGITS)).toBe(E_STATE);
    rig.clock.wallKnown = true;
    expect(rig.auth.triesLeft()).toBe(5);   // none of these was a guess
    expect(rig.check(DIGITS)).toBe(OK);
  });

  it("the N-th success uses the information up", () => {
    const rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.auth.usesLeft()).toBe(1);
    expect(rig.auth.held()).toBe(true);
    expect(rig.check(DIGITS)).toBe(OK);              // the third opens the grant ...
    expect(rig.auth.grant.isOpen()).toBe(true);
    expect(rig.auth.held()).toBe(false);             // ... and ends the information
    expect(rig.events.last()).toBe(AuthEvent.USED_UP);
    expect(rig.events.of(AuthEvent.MATCH)).toBe(3);
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
    expect(rig.reboot(SECOND).check(DIGITS)).toBe(E_NOTFOUND);
  });

  it("N and M come from the information when it asks for less", () => {
    const rig = freshRig();
    const c = new Claim(PARTNER, 1);
    c.uses = 1; c.failures = 2;
    expect(rig.auth.receive(information(PARTNER_KEY, c), 0)).toBe(OK);
    expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.auth.held()).toBe(false);
    const d = new Claim(PARTNER, 2);
    d.failures = 2;
    expect(rig.auth.receive(information(PARTNER_KEY, d), 0)).toBe(OK);
    expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
    expect(rig.check(OTHER_DIGITS)).toBe(E_LOCKED);
    expect(rig.auth.held()).toBe(false);
  });

  it("the M-th failure erases the information: the right credential no longer opens", () => {
    const rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    for (let i = 1; i < 5; i++) {
      expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
      expect(rig.auth.triesLeft()).toBe(5 - i);
    }
    expect(rig.check(OTHER_DIGITS)).toBe(E_LOCKED);
    expect(rig.events.of(AuthEvent.MISMATCH)).toBe(5);
    expect(rig.events.last()).toBe(AuthEvent.LOCKED);
    expect(rig.auth.held()).toBe(false);
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
    expect(rig.auth.grant.isOpen()).toBe(false);
  });

  it("a match in between gives its try back: failures need not be in a row to count", () => {
    const config = new AuthConfig();
    config.uses = 10;
    const rig = freshRig(config);
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    for (let i = 0; i < 4; i++) expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.auth.triesLeft()).toBe(1);
    expect(rig.check(OTHER_DIGITS)).toBe(E_LOCKED);
  });

  it("expires 24 h after arrival, to the second", () => {
    let rig = freshRig();
    rig.wait(5 * MINUTE);
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    const arrival = T0 + 5 * MINUTE;
    expect(rig.auth.expiresUtcMs()).toBe(arrival + 24 * HOUR);
    rig.wait(24 * HOUR - SECOND);
    expect(rig.clock.wall).toBe(arrival + 24 * HOUR - SECOND);
    expect(rig.auth.held()).toBe(true);
    expect(rig.check(DIGITS)).toBe(OK);                 // 1 s before: still good
    rig.auth.closeGrant();
    expect(rig.scheduler.remainingMs(AuthDeadline.EXPIRY)).toBe(SECOND);
    rig.wait(SECOND);                                   // the expiry deadline fires
    expect(rig.auth.held()).toBe(false);
    expect(rig.events.last()).toBe(AuthEvent.EXPIRED);
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
  });

  it("an expired one is refused even before its deadline's TIMER event", () => {
    const rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    rig.clock.moveTo(24 * HOUR);                        // time moved, the timer not delivered
    expect(rig.check(DIGITS)).toBe(E_AUTH);
    expect(rig.events.last()).toBe(AuthEvent.EXPIRED);
    expect(rig.auth.held()).toBe(false);
    expect(rig.auth.grant.isOpen()).toBe(false);
  });

  it("the lifetime is configurable", () => {
    const config = new AuthConfig();
    config.lifetimeS = 600;
    const rig = freshRig(config);
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    rig.wait(10 * MINUTE - SECOND);
    expect(rig.auth.held()).toBe(true);
    rig.wait(SECOND);
    expect(rig.auth.held()).toBe(false);
  });
});

describe("the grant", () => {
  it("closes after 10 minutes without a change; a change restarts that time", () => {
    const rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(OK);
    rig.wait(9 * MINUTE);
    rig.auth.touch();
    rig.wait(9 * MINUTE);
    expect(rig.auth.grant.isOpen()).toBe(true);
    expect(rig.events.grantClosed).toBe(0);
    rig.wait(MINUTE);
    expect(rig.auth.grant.isOpen()).toBe(false);
    expect(rig.auth.grant.allows(2)).toBe(false);
    expect(rig.events.grantClosed).toBe(1);
  });

  it("closes on request and with a power cut, and the information's use stays spent", () => {
    let rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(OK);
    rig.auth.closeGrant();
    expect(rig.auth.grant.isOpen()).toBe(false);
    expect(rig.events.grantClosed).toBe(0);   // the image closed it: no callback
    expect(rig.scheduler.pending(AuthDeadline.GRANT_IDLE)).toBe(false);
    expect(rig.check(DIGITS)).toBe(OK);
    rig = rig.reboot(SECOND);
    expect(rig.auth.grant.isOpen()).toBe(false);
    expect(rig.auth.usesLeft()).toBe(1);
  });
});

describe("after the partner changes", () => {
  it("information the former partner issued no longer opens anything; the operator's does", () => {
    let rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.unique.change(rig.auth.grant, Item.CONNECTION, connection(NEW_PARTNER, NEW_PARTNER_KEY, 9))).toBe(OK);
    expect(rig.auth.grant.isOpen()).toBe(true);   // the session that made the change goes on
    rig.auth.closeGrant();
    expect(rig.auth.held()).toBe(false);
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
    expect(rig.auth.grant.isOpen()).toBe(false);
    rig = rig.reboot(SECOND);
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
    // The new partner's information verifies under the new key.
    expect(rig.receive(NEW_PARTNER_KEY, NEW_PARTNER, 1)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.auth.grant.issuer).toBe(NEW_PARTNER);
  });
});
