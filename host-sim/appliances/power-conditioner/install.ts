// The service-port steps after PROVISION (firmware/images/power-conditioner/PROTOCOL.md
// §5): the factory's MAINTENANCE (the operator's key and the maintenance credential's
// verifier) and the partner's installer's INSTALL (the cloud login and the unique
// information). The device password and the device key go into the frame and nowhere else.
import { parseAnswer, request, utf8 } from "../../clients/service-port.ts";
import { encodeCapacities, encodeConnection, encodePersonal, encodeSite, type Capacities, type Connection, type Personal } from "./items.ts";

export const INSTALL = 0x20;
export const MAINTENANCE = 0x21;

/** The answer statuses of both ops. */
export const ServiceStatus = { OK: 0, MALFORMED: -1, ALREADY: -3 } as const;

/** What the partner's installer writes into a new PCS. */
export interface Installation {
  deviceId: string;
  password: string;
  personal: Personal;
  site: string;
  capacities: Capacities;
  connection: Connection;
}

const lp = (b: Uint8Array) => {
  if (b.length < 1 || b.length > 255) throw new RangeError("an INSTALL string is 1..255 bytes");
  return Buffer.concat([Buffer.of(b.length), b]);
};

export function installData(i: Installation): Buffer {
  return Buffer.concat([lp(utf8(i.deviceId)), lp(utf8(i.password)), encodePersonal(i.personal), encodeSite(i.site),
    encodeCapacities(i.capacities), encodeConnection(i.connection)]);
}

export const installRequest = (i: Installation): Uint8Array => request(INSTALL, 0, installData(i));
export const maintenanceRequest = (data: Uint8Array): Uint8Array => request(MAINTENANCE, 0, data);

/** The status of the PCS's answer to `op`; null when the answer is not one. */
export function answerStatus(op: number, answer: Uint8Array): number | null {
  const a = parseAnswer(answer);
  return a && a.op === op ? a.status : null;
}
