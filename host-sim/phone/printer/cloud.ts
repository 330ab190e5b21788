// What the printer's management app asks of the cloud (contract §5), as one interface:
// the home gives it the HTTPS client (host-sim/phone/printer-cloud-client.ts behind
// cloud-adapter.ts), unit tests an in-memory cloud.

export interface SvtGrant { svt: string; deviceId: string; expires: number | string }
export interface ChargeGrant { cwt: string; pages: number }
export interface PrinterCloudStatus {
  deviceId: string;
  pages: number;
  ink: number;
  mirrorVersion: number;
  charges: { id: number; pages: number; kind: number | string; status: number | string | null }[];
  inkOrders: { id: number | string; created: number | string }[];
}

/** The cloud refused (403 unknown SVWT, 409 free charge used, 401 SVT expired...). */
export class PrinterCloudRefused extends Error {
  constructor(readonly status: number, what: string, body = "") { super(`${what}: HTTP ${status} ${body}`); }
}

export interface PrinterCloudApi {
  /** POST /api/registrations with "appliance":"printer" (the signed-in user's). */
  register(deviceId: string, devicePassword: string, serial: string): Promise<void>;
  /** POST /api/printers/svt: the SVWT read from the printer, for an SVT (S77-S81). */
  exchangeSvwt(svwt: Uint8Array): Promise<SvtGrant>;
  /** POST /api/printers/free-charge (S85-S89). */
  freeCharge(svt: string): Promise<ChargeGrant>;
  /** POST /api/printers/purchase (paid; payment simulated). */
  purchase(svt: string, pages: number): Promise<ChargeGrant>;
  status(svt: string): Promise<PrinterCloudStatus>;
  /** POST /api/printers/ink-orders (S119). */
  orderInk(svt: string): Promise<{ id: number | string }>;
}
