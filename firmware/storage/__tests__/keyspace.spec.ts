import { KeyRange, Keyspace, ResetClass, findOverlap } from "../keyspace";
import { E_INVAL, OK } from "../../core/errors";
import { KEYS as CREDENTIAL_KEYS } from "../../modules/credential-store/index";
import { devkitKeyspace } from "../../images/devkit/keys";
import { waterHeaterKeyspace } from "../../images/water-heater/keys";

/** The record-id map agreed for issue 7 (BRIEF.md): every module's ranges of the water
 *  heater and the free range for appliances. */
function agreedRanges(): KeyRange[] {
  return [
    new KeyRange("credential-store", 0x0100, 0x01ff, ResetClass.KEPT),
    new KeyRange("onboarding", 0x0200, 0x0202, ResetClass.INITIALIZATION),
    new KeyRange("cloud-link: commands", 0x0203, 0x0205, ResetClass.INITIALIZATION),
    new KeyRange("cloud-link: outbox", 0x0206, 0x025f, ResetClass.INITIALIZATION),
    new KeyRange("water heater: settings", 0x0300, 0x03ff, ResetClass.FACTORY_RESET),
    new KeyRange("scheduler", 0x0400, 0x04ff, ResetClass.KEPT),
    new KeyRange("appliance", 0x0500, 0x0fff, ResetClass.FACTORY_RESET),
    new KeyRange("credential-store: internal", 0x7f00, 0x7fff, ResetClass.KEPT),
  ];
}

describe("keyspace", () => {
  it("finds each id's owner and reset class", () => {
    const ks = new Keyspace([agreedRanges()]);
    expect(ks.resetClassOf(0x0101)).toBe(<i32>ResetClass.KEPT);
    expect(ks.resetClassOf(0x0201)).toBe(<i32>ResetClass.INITIALIZATION);
    expect(ks.resetClassOf(0x0205)).toBe(<i32>ResetClass.INITIALIZATION);
    expect(ks.ownerOf(0x0205)!).toBe("cloud-link: commands");
    expect(ks.ownerOf(0x0206)!).toBe("cloud-link: outbox");
    expect(ks.resetClassOf(0x0301)).toBe(<i32>ResetClass.FACTORY_RESET);
    expect(ks.ownerOf(0x7f01)!).toBe("credential-store: internal");
  });

  it("declares no owner for ids outside every range", () => {
    const ks = new Keyspace([agreedRanges()]);
    expect(ks.declares(0x0260)).toBe(false);   // between the outbox and the settings
    expect(ks.resetClassOf(0x0260)).toBe(-1);
    expect(ks.ownerOf(0x00ff)).toBeNull();
    expect(ks.declares(0x1000)).toBe(false);
    expect(ks.declares(0xfffe)).toBe(false);
  });

  it("builds an image's keyspace from its modules' KEYS lists", () => {
    const mine: KeyRange[] = [new KeyRange("meter: contract", 0x0500, 0x0510, ResetClass.FACTORY_RESET)];
    const ks = new Keyspace([CREDENTIAL_KEYS, mine]);
    expect(ks.ranges.length).toBe(CREDENTIAL_KEYS.length + 1);
    expect(ks.ownerOf(0x0101)!).toBe("credential-store: factory identity");
    expect(ks.ownerOf(0x0505)!).toBe("meter: contract");
    expect(ks.check()).toBe(OK);
  });

  it("the agreed ranges of issue 7 do not overlap", () => {
    const ks = new Keyspace([agreedRanges()]);
    expect(ks.overlap() === null).toBe(true);
    expect(ks.check()).toBe(OK);
  });

  it("catches two ranges that share an id", () => {
    const ranges = agreedRanges();
    // A module that took one id too many, into the outbox's range.
    ranges.push(new KeyRange("careless module", 0x0260 - 0x60, 0x0206, ResetClass.FACTORY_RESET));
    const o = findOverlap(ranges);
    expect(o === null).toBe(false);
    expect(o!.describe()).toBe("onboarding 0x200-0x202 overlaps careless module 0x200-0x206");
    expect(new Keyspace([ranges]).check()).toBe(E_INVAL);
  });

  it("catches ranges that touch at one id, and one inside another", () => {
    const a = new KeyRange("a", 0x0500, 0x0510, ResetClass.KEPT);
    expect(findOverlap([a, new KeyRange("b", 0x0510, 0x0520, ResetClass.KEPT)]) === null).toBe(false);
    expect(findOverlap([a, new KeyRange("c", 0x0505, 0x0506, ResetClass.KEPT)]) === null).toBe(false);
    expect(findOverlap([a, new KeyRange("d", 0x0511, 0x0520, ResetClass.KEPT)]) === null).toBe(true);
  });

  it("refuses malformed ranges", () => {
    expect(new Keyspace([[new KeyRange("backwards", 0x0510, 0x0500, ResetClass.KEPT)]]).check()).toBe(E_INVAL);
    expect(new Keyspace([[new KeyRange("store's own", 0xff00, 0xffff, ResetClass.KEPT)]]).check()).toBe(E_INVAL);
  });

  it("every image's keyspace is free of overlaps", () => {
    const images: Keyspace[] = [devkitKeyspace(), waterHeaterKeyspace()];
    for (let i = 0; i < images.length; i++) {
      const o = images[i].overlap();
      if (o !== null) throw new Error(o.describe());
      expect(images[i].check()).toBe(OK);
    }
  });
});
