// The lock image (PROTOCOL.md §2-§5): fail-secure boot, INSTALL once, the time from the key
// server only for the nonce it asked with, OPERATE over BLE moving the bolt only when
// granted (every attempt an `access` entry, a denial's reason on the panel), the relock
// after 10 s or when the door closes, the door's entries, the owner's button that needs no
// grant, and the revocation list command. modules/grants' own specs test every check.
import * as board from "../../../board/index";
import { Pin } from "../../../board/index";
import { OK, E_AUTH, E_INVAL, E_STATE, E_MALFORMED } from "../../../core/errors";
import { Action, Reason } from "../../../modules/grants/index";
import { base64 } from "../../../core/codecs/base64";
import {
  fresh, grant, revocations, expectHas, shown, lastPublished, GrantType, Signer, MAKER, OTHER_PHONE, HOUR, SECOND, T0,
} from "./rig";

const UNLOCK = <u8>Action.UNLOCK, LOCK = <u8>Action.LOCK;

function slot(): Uint8Array { return grant(7, GrantType.SCHEDULED, T0 - HOUR, T0 + HOUR); }

describe("the lock image", () => {
  test("boots with the bolt thrown (fail secure) and the door as its sensor says", () => {
    const r = fresh();
    expect(board.gpioRead(Pin.LOCK_ACTUATOR)).toBe(1);
    expect(r.lock.locked).toBe(true);
    expect(r.lock.doorOpen).toBe(false);
    expect(shown("Lock LK-0001\nBolt locked\nDoor closed\nTime unknown")).toBeGreaterThan(0);
  });

  test("INSTALL: malformed refused, stored once, a second refused", () => {
    const r = fresh();
    const bad = new Uint8Array(65);
    expect(r.install(bad)).toBe(E_INVAL);
    expect(r.store.registered()).toBe(false);
    expect(r.install()).toBe(OK);
    expect(r.store.registered()).toBe(true);
    expect(r.lock.grants!.installed()).toBe(true);
    expect(r.install()).toBe(E_STATE);
  });

  test("the time: asked for on connect, set only with the nonce it asked with", () => {
    const r = fresh();
    expect(r.install()).toBe(OK);
    r.online();
    expectHas(lastPublished(), '"nonce":"');
    expect(r.answerTime(T0, new Signer(99))).toBe(E_AUTH);
    expect(r.lock.grants!.clock.known()).toBe(false);
    expect(r.answerTime(T0)).toBe(OK);
    expect(r.lock.grants!.clock.nowUtcMs()).toBe(T0);
    expect(shown("Time 2026-11-22 10:00 UTC")).toBeGreaterThan(0);
    // The same answer again: the nonce was used.
    expect(r.answerTime(T0 + HOUR)).toBe(E_AUTH);
    expect(r.command('"time":"bm90IGEgYmxvYg=="')).toBe(E_MALFORMED);
  });

  test("a granted UNLOCK retracts the bolt, relocks 10 s later; both are entries", () => {
    const r = fresh().ready();
    const res = r.operate(UNLOCK, slot(), 7);
    expect(<i32><i8>res[0]).toBe(OK);
    expect(res[2]).toBe(0);
    expect(board.gpioRead(Pin.LOCK_ACTUATOR)).toBe(0);
    expect(shown("Unlocked: grant 7")).toBeGreaterThan(0);
    r.wait(10 * SECOND - 1);
    expect(r.lock.locked).toBe(false);
    r.wait(1);
    expect(r.lock.locked).toBe(true);
    const a = r.entriesOf("access");
    expect(a.length).toBe(1);
    expectHas(a[0], '"grant":7,"action":"unlock","result":"granted","reason":"none","t":' + T0.toString());
    const b = r.entriesOf("bolt");
    expect(b.length).toBe(2);
    expectHas(b[0], '"state":"unlocked","by":"grant"');
    expectHas(b[1], '"state":"locked","by":"auto"');
  });

  test("a denied OPERATE leaves the bolt thrown, answers its reason, logs it and shows it", () => {
    const r = fresh().ready();
    const res = r.operate(UNLOCK, grant(8, GrantType.SCHEDULED, T0 + HOUR, T0 + 2 * HOUR), 8);
    expect(<i32><i8>res[0]).toBe(E_AUTH);
    expect(res[1]).toBe(<u8>Reason.OUTSIDE_SCHEDULE);
    expect(res[2]).toBe(1);
    expect(board.gpioRead(Pin.LOCK_ACTUATOR)).toBe(1);
    expect(shown("Denied: outside-schedule")).toBeGreaterThan(0);
    expectHas(r.entriesOf("access")[0], '"grant":8,"action":"unlock","result":"denied","reason":"outside-schedule"');
    expect(r.entriesOf("bolt").length).toBe(0);
  });

  test("another phone presenting a copied grant is refused (not-bound)", () => {
    const r = fresh().ready();
    const res = r.operate(UNLOCK, slot(), 7, OTHER_PHONE);
    expect(res[1]).toBe(<u8>Reason.NOT_BOUND);
    expect(r.lock.locked).toBe(true);
  });

  test("after a power cut the time is unknown: grants are denied, the owner's button works", () => {
    let r = fresh().ready();
    r = r.reboot();
    expect(r.lock.locked).toBe(true);
    const res = r.operate(UNLOCK, slot(), 7);
    expect(<i32><i8>res[0]).toBe(E_STATE);
    expect(res[1]).toBe(<u8>Reason.NO_TIME);
    r.press();
    expect(r.lock.locked).toBe(false);
    expectHas(r.entriesOf("bolt")[0], '"state":"unlocked","by":"owner"');
    r.press();
    expect(r.lock.locked).toBe(true);
  });

  test("the relock waits for an open door and throws the bolt when it closes", () => {
    const r = fresh().ready();
    r.operate(UNLOCK, slot(), 7);
    r.door(true);
    r.wait(60 * SECOND);
    expect(r.lock.locked).toBe(false);
    r.door(false);
    expect(r.lock.locked).toBe(true);
    const d = r.entriesOf("door");
    expect(d.length).toBe(2);
    expectHas(d[0], '"state":"open"');
    expectHas(d[1], '"state":"closed"');
    expectHas(r.entriesOf("bolt")[1], '"state":"locked","by":"auto"');
  });

  test("a LOCK throws the bolt at once", () => {
    const r = fresh().ready();
    r.operate(UNLOCK, slot(), 7);
    expect(r.lock.locked).toBe(false);
    const res = r.operate(LOCK, slot(), 7);
    expect(<i32><i8>res[0]).toBe(OK);
    expect(res[2]).toBe(1);
    expect(r.lock.locked).toBe(true);
  });

  test("the revocation list command: newer stored, kept offline, older refused", () => {
    let r = fresh().ready();
    expect(r.command('"revocations":"' + base64(revocations(2, [7])) + '"')).toBe(OK);
    expect(r.command('"revocations":"' + base64(revocations(1, [])) + '"')).toBe(E_STATE);
    expect(r.command('"revocations":"' + base64(revocations(3, [], OTHER_PHONE)) + '"')).toBe(E_AUTH);
    expect(shown("Revocations v2")).toBeGreaterThan(0);
    r = r.reboot();
    r.online();
    expect(r.answerTime(T0)).toBe(OK);
    const res = r.operate(UNLOCK, slot(), 7);
    expect(res[1]).toBe(<u8>Reason.REVOKED);
  });

  test("repeated failures lock out; the panel says so; the owner's button still works", () => {
    const r = fresh().ready();
    for (let i = 0; i < 5; i++) r.operate(UNLOCK, slot(), 7, OTHER_PHONE);
    const res = r.operate(UNLOCK, slot(), 7);
    expect(res[1]).toBe(<u8>Reason.LOCKED_OUT);
    expect(shown("LOCKED OUT 30 s")).toBeGreaterThan(0);
    const a = r.entriesOf("access");
    expectHas(a[a.length - 1], '"grant":0,"action":"unlock","result":"denied","reason":"locked-out"');
    r.press();
    expect(r.lock.locked).toBe(false);
  });

  test("the state names the bolt, the door, the time and the revocations", () => {
    const r = fresh().ready();
    expect(r.lock.stateJson()).toBe('{"bolt":"locked","door":"closed","time":1,"revocations":0}');
    expect(MAKER.pub.length).toBe(65);
  });
});
