// Every ABI function, exercised through the board-conformance image: run it on a new
// board (or host) and compare its trace with the TypeScript host's.
import { generateKeyPairSync, sign } from "node:crypto";
import { advance, boot, gpioIn, linkFrame, mqttMessage, mqttState, unknownEvent } from "../../scenario/steps.ts";
import type { Scenario } from "../../scenario/types.ts";
import { LinkId, Pin } from "../../device/types.ts";

const cmd = (c: number, label: string, extra: Uint8Array = new Uint8Array(0)) =>
  linkFrame(LinkId.SERVICE, Uint8Array.from([c, ...extra]), undefined, label);

/** ECDSA P-256 request: pub(65) sig(64) message, made fresh (both hosts get the same bytes). */
export function ecdsaRequest(valid: boolean): Uint8Array {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const msg = Buffer.from("grant: lock 7, 10:00-12:00");
  const sig = sign("sha256", msg, { key: privateKey, dsaEncoding: "ieee-p1363" });
  const pub = publicKey.export({ format: "der", type: "spki" }).subarray(-65);
  if (!valid) msg[0] ^= 1;
  return Uint8Array.from([...pub, ...sig, ...msg]);
}

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ""), "hex"));

/** RFC 5903 section 8.1 (ECDH with P-256): the initiator's private key i and the
 *  responder's public key g^r, as the ECDH command's request (priv(32) peer_pub(65)). */
export const RFC5903_P256 = {
  i: "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
  grx: "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
  gry: "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
};
export function ecdhRequest(): Uint8Array {
  const v = RFC5903_P256;
  return Uint8Array.from([...fromHex(v.i), 0x04, ...fromHex(v.grx), ...fromHex(v.gry)]);
}

/** The key seed this scenario's device is burned with, and the message the image MACs
 *  under key slot 0 (firmware/images/board-conformance/main.ts, command 0x0C). */
export const CONFORMANCE_KEY_SEED = "board-conformance";
export const KEYSLOT_MESSAGE = "board-conformance: key slot";

const E_INVAL = -1;
/** Every host refuses an event of a kind the ABI does not define without calling the image. */
const refusedUnseen = { result: E_INVAL, absent: [{ t: "link" as const }] };

export function conformanceScenario(): Scenario {
  return {
    name: "board conformance",
    image: "board-conformance",
    seed: 7,
    keySeed: CONFORMANCE_KEY_SEED,
    wallStartMs: Date.UTC(2026, 10, 21, 9, 0, 0),
    meter: { profile: { channels: [new Array(48).fill(1000), new Array(48).fill(0)] }, startWh: [123_456, 0] },
    steps: [
      boot(),
      cmd(0x01, "crypto vectors"),
      cmd(0x02, "ecdsa valid", ecdsaRequest(true)),
      cmd(0x02, "ecdsa wrong message", ecdsaRequest(false)),
      cmd(0x03, "random bytes"),
      cmd(0x04, "flash NOR semantics"),
      cmd(0x05, "gpio"),
      gpioIn(Pin.TAMPER_SWITCH, 1, undefined, "tamper switch closes"),
      cmd(0x05, "gpio after input"),
      cmd(0x06, "timers"),
      advance(1500),
      cmd(0x07, "mqtt while disconnected"),
      cmd(0x0d, "mqtt limits while disconnected"),
      mqttState(1, undefined, "broker accepts"),
      cmd(0x07, "mqtt while connected"),
      cmd(0x0d, "mqtt limits while connected"),
      mqttMessage("conf/in", "hello", undefined, "inbound message"),
      cmd(0x08, "clock"),
      cmd(0x09, "display"),
      cmd(0x0a, "log levels and disconnect"),
      cmd(0x0b, "ecdh p-256", ecdhRequest()),
      cmd(0x0b, "ecdh request too short", ecdhRequest().subarray(0, 96)),
      cmd(0x0c, "key slots"),
      // ABI v1.3 (board-conformance v13.ts): the load model meters IMPORT and EXPORT only.
      cmd(0x0e, "measure"),
      cmd(0x0f, "udp bind and send"),
      { event: { kind: "UDP", arg: 0xc0a80102, payload: Uint8Array.from([0xc3, 0x50, 0x10, 0x81]) }, label: "udp datagram in" },
      linkFrame(LinkId.CARD, Uint8Array.from([2, 0]), undefined, "card slot 2 emptied"),
      cmd(0x10, "card re-read"),
      unknownEvent(0, refusedUnseen, "event kind 0"),
      unknownEvent(10, refusedUnseen, "event kind 10"),
      unknownEvent(255, refusedUnseen, "event kind 255"),
      unknownEvent(256, refusedUnseen, "event kind 256"),
      cmd(0x7f, "unknown command"),
      boot(undefined, "power cycle"),
      cmd(0x03, "random bytes after power cycle"),
    ],
  };
}
