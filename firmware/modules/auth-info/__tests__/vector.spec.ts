// Authentication information made by node's crypto as a partner's server makes it
// (scripts/pcs-auth-vector.ts wrote vector.ts): the firmware reads every field of §2.1
// from bytes its own spec helpers did not encode, and verifies an ECDSA signature that
// another implementation made.
import * as board from "../../../board/index";
import { OK, E_AUTH } from "../../../core/errors";
import { Item } from "../../unique-info/index";
import { AuthEvent, Reason } from "..";
import { HOUR, T0, freshRig, siteValue } from "./rig";
import { VECTOR_BLOB, VECTOR_DIGITS, VECTOR_ISSUER, VECTOR_PUBLIC_KEY, VECTOR_SERIAL } from "./vector";

function fromHex(h: string): Uint8Array {
  const b = new Uint8Array(h.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = <u8>I32.parseInt(h.substr(i * 2, 2), 16);
  return b;
}

describe("authentication information from node's crypto", () => {
  it("is accepted with every field as the server wrote it, and its credential matches", () => {
    let rig = freshRig(null, false);
    const conn = new Uint8Array(101);
    conn[0] = <u8>VECTOR_ISSUER;
    conn[1] = <u8>(VECTOR_ISSUER >>> 8);
    conn.set(fromHex(VECTOR_PUBLIC_KEY), 4);
    const t = rig.store.begin();
    expect(rig.unique.stageInstall(t, Item.CONNECTION, conn)).toBe(OK);
    expect(rig.unique.stageInstall(t, Item.SITE, siteValue("GS-1"))).toBe(OK);
    expect(t.commit()).toBe(OK);
    rig = rig.reboot();
    const blob = fromHex(VECTOR_BLOB);
    expect(rig.auth.receive(blob, 0)).toBe(OK);
    expect(rig.events.issuers[0]).toBe(VECTOR_ISSUER);
    expect(rig.events.serials[0]).toBe(VECTOR_SERIAL);
    expect(rig.auth.expiresUtcMs()).toBe(T0 + HOUR);
    expect(rig.auth.usesLeft()).toBe(2);
    expect(rig.auth.triesLeft()).toBe(4);
    expect(rig.auth.heldItems()).toBe(0x0c);
    expect(rig.check(VECTOR_DIGITS)).toBe(OK);
    expect(rig.auth.grant.items).toBe(0x0c);
    // One byte of the signature changed: refused.
    blob[blob.length - 10] ^= 0x80;
    expect(rig.auth.receive(blob, 0)).toBe(E_AUTH);
    expect(rig.events.last()).toBe(AuthEvent.REFUSED);
    expect(rig.events.lastReason()).toBe(Reason.BAD_SIGNATURE);
  });
});
