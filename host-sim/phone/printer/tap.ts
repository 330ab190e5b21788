// What a phone makes of the printer's tap answer (PROTOCOL.md §1): the NDEF message decoded
// with the phone's handover codec, then judged by what it holds. The same bytes come by
// NFC and in BLE's HANDOVER frame.
import { decodeHandover, Tnf, type NdefRecord } from "../handover.ts";
import { E_MALFORMED } from "../../board/errors.ts";
import {
  BleMsg, EXCHANGE_URI, MANAGE_APP, PRINT_APP, PWT_LEN, PWT_RECORD, RECHARGE_URI, SVWT_RECORD, type TapAnswer,
} from "./messages.ts";

/** The printer's answer could not be read (the handover decoder's result code, or
 *  E_MALFORMED for a message that is not a printer's). */
export class TapUnreadable extends Error {
  constructor(readonly code: number, why: string) { super(`the printer's answer could not be read (${code}): ${why}`); }
}

/** The printer refused a BLE READ (E_STATE: its CONNECT window is closed). */
export class BleRefused extends Error {
  constructor(readonly status: number) { super(`the printer refused the BLE read (status ${status}): press CONNECT on its panel first`); }
}

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");
const external = (r: NdefRecord, type: string) => r.tnf === Tnf.EXTERNAL && text(r.type).toLowerCase() === type;

export function readTapAnswer(ndef: Uint8Array): TapAnswer {
  const d = decodeHandover(ndef);
  if (!d.ok) throw new TapUnreadable(d.error, "not a handover message");
  const h = d.value;
  const app = h.androidPackage;
  if (app !== MANAGE_APP && app !== PRINT_APP) throw new TapUnreadable(E_MALFORMED, `no printer app id (${app ?? "none"})`);
  const pwtRec = h.others.find((r) => external(r, PWT_RECORD));
  const svwtRec = h.others.find((r) => external(r, SVWT_RECORD));
  const answer: TapAnswer = { kind: "setup", app };
  if (pwtRec) {
    if (pwtRec.payload.length !== PWT_LEN) throw new TapUnreadable(E_MALFORMED, "a PWT of the wrong size");
    answer.pwt = Buffer.from(pwtRec.payload);
  }
  if (h.wifiDirect) {
    if (!answer.pwt) throw new TapUnreadable(E_MALFORMED, "the printer's Wi-Fi Direct group without a PWT");
    answer.group = { ssid: Buffer.from(h.wifiDirect.ssid), passphrase: Buffer.from(h.wifiDirect.passphrase) };
    answer.kind = app === PRINT_APP ? "print" : "setup";
    return answer;
  }
  // S116: no group (the printer is on the router); the PWT, when there, gets a new PT
  // over the LAN.
  if (svwtRec) answer.svwt = Buffer.from(svwtRec.payload);
  answer.uri = h.uri;
  if (h.uri === RECHARGE_URI) answer.kind = "recharge";
  else if (h.uri === EXCHANGE_URI) answer.kind = "exchange";
  else throw new TapUnreadable(E_MALFORMED, answer.pwt ? "a PWT without the printer's Wi-Fi Direct group" : "neither a PWT nor a recharge or exchange page");
  return answer;
}

/** The BLE request for the handover (PROTOCOL.md §1). */
export const bleReadRequest = (): Buffer => Buffer.of(BleMsg.READ_HANDOVER);

/** The printer's BLE answer: the NDEF message, or BleRefused. */
export function bleHandover(frame: Uint8Array): Uint8Array {
  if (frame.length >= 2 && frame[0] === BleMsg.ERROR) throw new BleRefused((frame[1] << 24) >> 24);
  if (frame.length < 2 || frame[0] !== BleMsg.HANDOVER) throw new TapUnreadable(E_MALFORMED, "not a BLE HANDOVER frame");
  return frame.subarray(1);
}
