// Tamper detection (PROTOCOL.md §1): every item is under the credential store's keyed
// check with the board's key slot 0, so a flash image doctored with a programmer clip,
// its record CRC fixed up so that the record store still reads it, fails the check at
// boot: the item is refused (never used), its bit tells the image to raise the alarm, and
// only a guarded change or delete clears it.
import { flashRead } from "../../../board/index";
import { OK, E_AUTH, E_TAMPER } from "../../../core/errors";
import { doctorRecord } from "../../../testing/flash";
import { Item, recordOf } from "..";
import {
  PARTNER, PARTNER_KEY, Rig, capacitiesValue, freshRig, recordData, siteValue,
} from "../../auth-info/__tests__/rig";

/** Changes one byte of the item's stored value in flash (CRC fixed up), then reboots. */
function doctored(rig: Rig, item: i32, at: i32, v: u8): Rig {
  doctorRecord(recordData(recordOf(item)), at, v);
  return rig.reboot();
}

describe("tamper detection", () => {
  it("finds each doctored item at boot and refuses it", () => {
    for (let item = 0; item < Item.COUNT; item++) {
      let rig = freshRig();
      expect(rig.unique.appendHistoryDay(20400, 1, 2, 3)).toBe(OK);
      rig = rig.reboot();
      expect(rig.unique.tampered).toBe(0);
      // Byte 3 of the stored record: the value's second byte (tagged items) or inside the
      // sealed record's nonce (sealed items): either way what the key-slot check covers.
      rig = doctored(rig, item, 3, 0x5a);
      expect(rig.unique.tampered).toBe(<u32>1 << <u32>item);
      expect(rig.unique.present(item)).toBe(true);
      expect(rig.unique.read(item)).toBeNull();
      expect(rig.unique.lastError).toBe(E_TAMPER);
      expect(rig.unique.readForLink(item)).toBeNull();
    }
  });

  it("a doctored site, capacities or connection is never used", () => {
    let rig = freshRig();
    rig = doctored(rig, Item.SITE, 2 + 3, 0x39);          // "GS-2026-0042" → "GS-9026-0042"
    expect(rig.unique.site()).toBeNull();
    rig = doctored(rig, Item.CAPACITIES, 2 + 1, 0xff);    // PV W raised
    expect(rig.unique.capacity(0)).toBe(-1);
    expect(rig.unique.capacity(1)).toBe(-1);
    rig = doctored(rig, Item.CONNECTION, 20, 0x00);
    expect(rig.unique.partnerCode()).toBe(0);
    expect(rig.unique.partnerPublicKey()).toBeNull();
    expect(rig.unique.deviceKey()).toBeNull();
    expect(rig.unique.tampered).toBe(0x1c);
    // The partner's authentication information has no key to verify under: refused.
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(E_AUTH);
  });

  it("appending to a doctored history is refused: it stays as evidence", () => {
    let rig = freshRig();
    expect(rig.unique.appendHistoryDay(20400, 1, 2, 3)).toBe(OK);
    rig = doctored(rig, Item.HISTORY, 20, 0x00);
    expect(rig.unique.appendHistoryDay(20401, 1, 2, 3)).toBe(E_TAMPER);
  });

  it("a guarded change or delete clears it", () => {
    let rig = freshRig();
    // The maintenance credential still opens a grant with a tampered CONNECTION.
    rig = doctored(rig, Item.SITE, 2 + 3, 0x39);
    rig = doctored(rig, Item.CAPACITIES, 2 + 1, 0xff);
    expect(rig.unique.tampered).toBe(0x0c);
    expect(rig.check("271828182845", 2)).toBe(OK);
    expect(rig.unique.change(rig.auth.grant, Item.SITE, siteValue("GS-2026-0042"))).toBe(OK);
    expect(rig.unique.tampered).toBe(0x08);
    expect(rig.unique.site()).toBe("GS-2026-0042");
    expect(rig.unique.delete(rig.auth.grant, Item.CAPACITIES)).toBe(OK);
    expect(rig.unique.tampered).toBe(0);
    rig = rig.reboot();
    expect(rig.unique.tampered).toBe(0);
    expect(rig.unique.capacity(0)).toBe(-1);
  });

  it("a record moved to another item's id does not pass as that item", () => {
    let rig = freshRig();
    // A tagged record's check covers its id (a sealed one's too): valid bytes of one item
    // copied over another's fail there. SITE "GS-2026-0042" (13 bytes) and a 12-byte CAPACITIES differ in length: write a
    // site of 11 characters (12 bytes), then copy CAPACITIES' bytes, CRC and all, over it.
    expect(rig.check("271828182845", 2)).toBe(OK);
    expect(rig.unique.change(rig.auth.grant, Item.SITE, siteValue("GS-20260042"))).toBe(OK);
    expect(rig.unique.change(rig.auth.grant, Item.CAPACITIES, capacitiesValue(1, 2, 3))).toBe(OK);
    copyRecord(recordData(recordOf(Item.CAPACITIES)), recordData(recordOf(Item.SITE)));
    rig = rig.reboot();
    expect(rig.unique.tampered).toBe(<u32>1 << <u32>Item.SITE);
    expect(rig.unique.site()).toBeNull();
  });
});

@external("testing", "flash_poke") declare function flash_poke(addr: i32, ptr: usize, len: i32): i32;

/** Copies a record's data and data CRC from one record to another of the same length. */
function copyRecord(from: i32, to: i32): void {
  const h = new Uint8Array(20);
  expect(board_read(from - 20, h)).toBe(OK);
  const d = new Uint8Array(<i32>(h[8] | (<u32>h[9] << 8)));
  expect(board_read(from, d)).toBe(OK);
  expect(flash_poke(to, d.dataStart, d.length)).toBe(OK);
  expect(flash_poke(to - 20 + 16, h.dataStart + 16, 4)).toBe(OK);
}

function board_read(addr: i32, into: Uint8Array): i32 { return flashRead(addr, into, 0, into.length); }
