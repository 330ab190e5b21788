// The five items (PROTOCOL.md §1): their encodings parsed with bounds, each changed and
// deleted only under a grant that allows it, a deletion leaving none of its bytes in the
// raw flash image, and what a link may read.
import * as board from "../../../board/index";
import { getU32LE } from "../../../core/codecs/bytes";
import { OK, E_AUTH, E_INVAL, E_MALFORMED, E_NOTFOUND } from "../../../core/errors";
import { findInFlash } from "../../../testing/flash";
import { Grant } from "../../auth-info/index";
import { CONNECTION_PUBLIC_LEN, Item, recordOf } from "..";
import {
  Claim, DIGITS, NEW_PARTNER, NEW_PARTNER_KEY, PARTNER, PARTNER_KEY, Rig, SECOND, capacitiesValue, connection, freshRig,
  information, personalValue, same, siteValue, storedBytes,
} from "../../auth-info/__tests__/rig";

/** A rig whose grant allows `items`, opened with the partner's credential. */
function granted(items: u8): Rig {
  const rig = freshRig();
  const c = new Claim(PARTNER, 1);
  c.items = items;
  expect(rig.auth.receive(information(PARTNER_KEY, c), 0)).toBe(OK);
  expect(rig.check(DIGITS)).toBe(OK);
  return rig;
}

function bytes(s: string): Uint8Array { return board.utf8(s); }

/** A new value of each item. */
function newValue(item: i32): Uint8Array {
  if (item == Item.PERSONAL) return personalValue("Taro Suzuki", "4-5-6 Momiji, Osaka");
  if (item == Item.SITE) return siteValue("GS-2027-0100");
  if (item == Item.CAPACITIES) return capacitiesValue(6000, 13500, 60000);
  if (item == Item.CONNECTION) return connection(NEW_PARTNER, NEW_PARTNER_KEY, 40);
  return new Uint8Array(1);   // HISTORY: no days
}

describe("encodings", () => {
  it("accept the well-formed values of §1", () => {
    const u = freshRig().unique;
    expect(u.validate(Item.PERSONAL, personalValue("A", "B"))).toBe(OK);
    expect(u.validate(Item.PERSONAL, personalValue("山田 花子", "京都市左京区"))).toBe(OK);
    expect(u.validate(Item.HISTORY, new Uint8Array(1))).toBe(OK);
    expect(u.validate(Item.SITE, siteValue("0-9AZ"))).toBe(OK);
    expect(u.validate(Item.SITE, siteValue("ABCDEFGHIJ0123456789"))).toBe(OK);
    expect(u.validate(Item.CAPACITIES, capacitiesValue(0, 0, 0))).toBe(OK);
    expect(u.validate(Item.CONNECTION, connection(PARTNER, PARTNER_KEY, 1))).toBe(OK);
  });

  it("refuse every malformed value with E_MALFORMED", () => {
    const u = freshRig().unique;
    const long = "x".repeat(65);
    expect(u.validate(Item.PERSONAL, new Uint8Array(0))).toBe(E_MALFORMED);
    expect(u.validate(Item.PERSONAL, personalValue("", "B"))).toBe(E_MALFORMED);
    expect(u.validate(Item.PERSONAL, personalValue("A", ""))).toBe(E_MALFORMED);
    expect(u.validate(Item.PERSONAL, personalValue(long, "B"))).toBe(E_MALFORMED);
    expect(u.validate(Item.PERSONAL, personalValue("A", "y".repeat(129)))).toBe(E_MALFORMED);
    const cut = personalValue("A", "Bc");
    expect(u.validate(Item.PERSONAL, cut.subarray(0, cut.length - 1))).toBe(E_MALFORMED);
    const bad = personalValue("AB", "C");
    bad[2] = 0xc3;   // a lead byte with no continuation
    expect(u.validate(Item.PERSONAL, bad)).toBe(E_MALFORMED);
    bad[2] = 0x0a;   // a control character
    expect(u.validate(Item.PERSONAL, bad)).toBe(E_MALFORMED);
    expect(u.validate(Item.SITE, siteValue(""))).toBe(E_MALFORMED);
    expect(u.validate(Item.SITE, siteValue("gs-1"))).toBe(E_MALFORMED);
    expect(u.validate(Item.SITE, siteValue("GS 1"))).toBe(E_MALFORMED);
    expect(u.validate(Item.SITE, siteValue("ABCDEFGHIJ01234567890"))).toBe(E_MALFORMED);
    expect(u.validate(Item.CAPACITIES, new Uint8Array(11))).toBe(E_MALFORMED);
    expect(u.validate(Item.CAPACITIES, new Uint8Array(13))).toBe(E_MALFORMED);
    const conn = connection(PARTNER, PARTNER_KEY, 1);
    expect(u.validate(Item.CONNECTION, conn.subarray(0, 100))).toBe(E_MALFORMED);
    const zero = connection(0, PARTNER_KEY, 1);
    expect(u.validate(Item.CONNECTION, zero)).toBe(E_MALFORMED);
    conn[4] = 0x02;   // not an uncompressed point
    expect(u.validate(Item.CONNECTION, conn)).toBe(E_MALFORMED);
    const h = new Uint8Array(1 + 32);
    h[0] = 2;
    h[1] = 5;
    h[17] = 5;   // the same day twice
    expect(u.validate(Item.HISTORY, h)).toBe(E_MALFORMED);
    const many = new Uint8Array(1 + 32 * 16);
    many[0] = 32;
    expect(u.validate(Item.HISTORY, many)).toBe(E_MALFORMED);
    expect(u.validate(5, new Uint8Array(1))).toBe(E_INVAL);
  });
});

describe("guarded change and delete", () => {
  it("change each item under a grant that allows it, and the identifiers follow", () => {
    let rig = granted(0x1f);
    const u = rig.unique;
    expect(u.partnerCode()).toBe(PARTNER);
    expect(u.site()).toBe("GS-2026-0042");
    expect(u.capacity(1)).toBe(9800);
    for (let item = 0; item < Item.COUNT; item++) {
      if (item == Item.HISTORY) continue;
      expect(u.change(rig.auth.grant, item, newValue(item))).toBe(OK);
      const v = u.read(item)!;
      expect(same(v, newValue(item))).toBe(true);
    }
    expect(u.partnerCode()).toBe(NEW_PARTNER);
    expect(same(u.partnerPublicKey()!, NEW_PARTNER_KEY.pub)).toBe(true);
    expect(u.site()).toBe("GS-2027-0100");
    expect(u.capacity(0)).toBe(6000);
    expect(u.capacity(1)).toBe(13500);
    expect(u.capacity(2)).toBe(60000);
    const k = u.deviceKey()!;
    expect(k[0]).toBe(40);
    rig = rig.reboot(SECOND);
    expect(rig.unique.site()).toBe("GS-2027-0100");
    expect(rig.unique.partnerCode()).toBe(NEW_PARTNER);
  });

  it("delete each item under a grant, leaving 0 bytes of its value in the raw flash image", () => {
    const rig = granted(0x1f);
    const u = rig.unique;
    expect(u.appendHistoryDay(20400, 18000, 5000, 4200)).toBe(OK);
    for (let item = 0; item < Item.COUNT; item++) {
      expect(u.present(item)).toBe(true);
      // What flash holds of the item: the value itself (SITE, CAPACITIES: tagged, not
      // sealed) or its sealed bytes (the others).
      const stored = storedBytes(recordOf(item));
      const probe = stored.subarray(2, stored.length < 18 ? stored.length : 18);
      expect(findInFlash(probe)).toBeGreaterThan(-1);
      expect(u.delete(rig.auth.grant, item)).toBe(OK);
      expect(findInFlash(probe)).toBe(-1, "bytes of a deleted item stayed in flash");
      expect(u.present(item)).toBe(false);
      expect(u.read(item)).toBeNull();
      expect(u.lastError).toBe(E_NOTFOUND);
      expect(u.delete(rig.auth.grant, item)).toBe(E_NOTFOUND);
    }
    expect(findInFlash(bytes("GS-2026-0042"))).toBe(-1);
    expect(u.partnerCode()).toBe(0);
    expect(u.site()).toBeNull();
    expect(u.capacity(0)).toBe(-1);
    expect(u.deviceKey()).toBeNull();
    expect(u.installed()).toBe(false);
  });

  it("are refused outside the grant, for items it does not allow, and for HISTORY changes", () => {
    const rig = granted(0x04);   // SITE only
    const u = rig.unique;
    for (let item = 0; item < Item.COUNT; item++) {
      if (item == Item.SITE) continue;
      expect(u.change(rig.auth.grant, item, newValue(item))).toBe(E_AUTH);
      expect(u.delete(rig.auth.grant, item)).toBe(E_AUTH);
      expect(u.present(item) || item == Item.HISTORY).toBe(true);
    }
    expect(u.change(rig.auth.grant, Item.SITE, siteValue("bad site"))).toBe(E_MALFORMED);
    expect(u.site()).toBe("GS-2026-0042");
    expect(u.change(rig.auth.grant, Item.SITE, siteValue("GS-9"))).toBe(OK);
    rig.auth.closeGrant();
    expect(u.change(rig.auth.grant, Item.SITE, siteValue("GS-10"))).toBe(E_AUTH);
    expect(u.delete(rig.auth.grant, Item.SITE)).toBe(E_AUTH);
    expect(u.change(new Grant(), Item.SITE, siteValue("GS-11"))).toBe(E_AUTH);
    expect(u.site()).toBe("GS-9");
    const all = granted(0x1f);
    expect(all.unique.change(all.auth.grant, Item.HISTORY, new Uint8Array(1))).toBe(E_AUTH);
    expect(all.unique.change(all.auth.grant, 7, new Uint8Array(1))).toBe(E_INVAL);
  });

  it("a change restarts the grant's idle time", () => {
    const rig = granted(0x1f);
    rig.wait(9 * 60 * SECOND);
    expect(rig.unique.change(rig.auth.grant, Item.SITE, siteValue("GS-1"))).toBe(OK);
    rig.wait(9 * 60 * SECOND);
    expect(rig.auth.grant.isOpen()).toBe(true);
    rig.wait(60 * SECOND);
    expect(rig.auth.grant.isOpen()).toBe(false);
  });
});

describe("reading", () => {
  it("over a link gives a CONNECTION's partner code and public key, never the device key", () => {
    const rig = freshRig();
    const v = rig.unique.readForLink(Item.CONNECTION)!;
    expect(v.length).toBe(CONNECTION_PUBLIC_LEN);
    expect(getU32LE(v, 0)).toBe(PARTNER);
    expect(same(v.subarray(4, 69), PARTNER_KEY.pub)).toBe(true);
    const site = rig.unique.readForLink(Item.SITE)!;
    expect(same(site, siteValue("GS-2026-0042"))).toBe(true);
  });

  it("an uninstalled PCS has nothing, and INSTALL's items make it installed", () => {
    const rig = freshRig(null, false);
    expect(rig.unique.installed()).toBe(false);
    expect(rig.unique.partnerCode()).toBe(0);
    expect(rig.unique.read(Item.SITE)).toBeNull();
    expect(rig.unique.lastError).toBe(E_NOTFOUND);
    const t = rig.store.begin();
    expect(rig.unique.stageInstall(t, Item.SITE, siteValue("bad site"))).toBe(E_MALFORMED);
    t.discard();
    const u = rig.store.begin();
    expect(rig.unique.stageInstall(u, Item.SITE, siteValue("GS-1"))).toBe(OK);
    expect(rig.unique.stageInstall(u, Item.CONNECTION, connection(PARTNER, PARTNER_KEY, 1))).toBe(OK);
    expect(u.commit()).toBe(OK);
    expect(rig.unique.installed()).toBe(true);
    expect(rig.unique.partnerCode()).toBe(PARTNER);
    expect(rig.unique.site()).toBe("GS-1");
  });
});

describe("history", () => {
  it("keeps the last 31 UTC days, oldest first, and a day recorded twice once", () => {
    let rig = freshRig();
    const u = rig.unique;
    for (let d: u32 = 1; d <= 40; d++) expect(u.appendHistoryDay(20000 + d, d * 10, d * 20, d * 30)).toBe(OK);
    expect(u.appendHistoryDay(20040, 1, 1, 1)).toBe(OK);        // again: kept as it was
    expect(u.appendHistoryDay(20039, 1, 1, 1)).toBe(E_INVAL);   // older than the last
    rig = rig.reboot(SECOND);
    const v = rig.unique.read(Item.HISTORY)!;
    expect(v[0]).toBe(31);
    expect(v.length).toBe(1 + 31 * 16);
    expect(getU32LE(v, 1)).toBe(20010);
    expect(getU32LE(v, 1 + 30 * 16)).toBe(20040);
    expect(getU32LE(v, 1 + 30 * 16 + 4)).toBe(400);
    expect(getU32LE(v, 1 + 30 * 16 + 12)).toBe(1200);
  });
});

describe("bounded parsing", () => {
  it("random bytes are a value of an item or E_MALFORMED, never a trap", () => {
    const u = freshRig().unique;
    let x: u32 = 0x2545f491;
    let accepted = 0;
    for (let n = 0; n < 400; n++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      const item = <i32>(x % 5);
      const len = <i32>((x >>> 8) % 140);
      const b = new Uint8Array(len);
      for (let i = 0; i < len; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; b[i] = <u8>x; }
      // Lengths that fit the item often enough to reach the inner checks.
      if (len > 0 && (n & 1) == 0) b[0] = <u8>(len - 1 < 64 ? len - 1 : 20);
      const rc = u.validate(item, b);
      expect(rc == OK || rc == E_MALFORMED).toBe(true);
      if (rc == OK) accepted++;
    }
    expect(accepted).toBeLessThan(400);
  });
});

describe("resets", () => {
  it("initialization erases personal data and history; a factory reset every item and the information held", () => {
    const rig = freshRig();
    expect(rig.unique.appendHistoryDay(20400, 1, 2, 3)).toBe(OK);
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.store.initialize()).toBe(OK);
    expect(rig.unique.boot()).toBe(OK);
    expect(rig.auth.boot()).toBe(OK);
    expect(rig.unique.present(Item.PERSONAL)).toBe(false);
    expect(rig.unique.present(Item.HISTORY)).toBe(false);
    expect(rig.unique.installed()).toBe(true);
    expect(rig.unique.site()).toBe("GS-2026-0042");
    expect(rig.auth.held()).toBe(true);
    expect(rig.store.factoryReset()).toBe(OK);
    expect(rig.unique.boot()).toBe(OK);
    expect(rig.auth.boot()).toBe(OK);
    for (let item = 0; item < Item.COUNT; item++) expect(rig.unique.present(item)).toBe(false);
    expect(rig.unique.partnerCode()).toBe(0);
    expect(rig.auth.held()).toBe(false);
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
    // The factory's maintenance credential and the replay floors stay.
    expect(rig.auth.operatorCode()).not.toBe(0);
    expect(rig.check("271828182845", 2)).toBe(OK);
  });
});
