// The installer's step (firmware/images/meter/PROTOCOL.md §2): the utility's installer
// registers the meter at the head-end, then writes the meter code and the registration
// into the meter over its service port (INSTALL, op 0x20). The password is a secret: it
// goes into the frame and nowhere else.
import { request, parseAnswer, utf8 } from "../../clients/service-port.ts";

export const INSTALL = 0x20;

/** INSTALL's answer status. */
export const InstallStatus = { STORED: 0, MALFORMED: -1, OTHER_METER_CODE: -3 } as const;

/** What the installer writes into the meter. */
export interface Installation {
  /** The supply point's meter code (1..32 bytes of UTF-8), written once. */
  meterCode: string;
  deviceId: string;
  password: string;
}

/** INSTALL: meter code, device id and password, each a length byte then its bytes. */
export function installRequest(i: Installation): Uint8Array {
  const parts = [utf8(i.meterCode), utf8(i.deviceId), utf8(i.password)];
  if (parts[0].length < 1 || parts[0].length > 32) throw new RangeError("a meter code is 1..32 bytes");
  for (const p of parts) if (p.length > 255) throw new RangeError("an INSTALL field is at most 255 bytes");
  const data = new Uint8Array(parts.reduce((n, p) => n + 1 + p.length, 0));
  let at = 0;
  for (const p of parts) { data[at] = p.length; data.set(p, at + 1); at += 1 + p.length; }
  return request(INSTALL, 0, data);
}

/** The status of the meter's answer to INSTALL; null when the answer is not one. */
export function installStatus(answer: Uint8Array): number | null {
  const a = parseAnswer(answer);
  return a && a.op === INSTALL ? a.status : null;
}
