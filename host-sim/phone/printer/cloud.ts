// What the printer's management app asks of the cloud (PROTOCOL.md §4), as one interface,
// the shape of host-sim/phone/printer-cloud-client.ts (the HTTPS client the home gives
// the app); unit tests give an in-memory cloud. The client holds the SVT it got from
// the last SVWT exchange and sends it with every printer call. Refusals throw CloudError
// with the HTTP status (401 SVT missing or expired, 403 unknown or used SVWT, 409 free
// charge used).

export interface SvtGrant { svt: string; deviceId: string; expires: number }
/** A single-use CWT as bytes (for the CHARGE frame) and its pages. */
export interface ChargeGrant { cwt: Uint8Array; pages: number }
export interface PrinterCloudStatus {
  deviceId: string;
  pages: number | null;
  ink: number | null;
  mirrorVersion: number | null;
  charges: { id: number; pages: number; kind: string; status: string }[];
  inkOrders: { id: number; created: number }[];
}

export interface PrinterCloudApi {
  /** POST /api/registrations with "appliance":"printer" (the signed-in user's). */
  register(deviceId: string, devicePassword: string, serial: string): Promise<unknown>;
  /** POST /api/printers/svt: the SVWT read from the printer, for an SVT (S77-S81), held. */
  exchangeSvwt(svwt: Uint8Array): Promise<SvtGrant>;
  /** The SVT held (null before an exchange). */
  readonly svt: SvtGrant | null;
  /** Holds an SVT kept from an earlier run (the app's store). */
  useSvt?(svt: SvtGrant | null): void;
  /** POST /api/printers/free-charge (S85-S89). */
  freeCharge(): Promise<ChargeGrant>;
  /** POST /api/printers/purchase (paid; payment simulated). */
  purchase(pages: number): Promise<ChargeGrant>;
  status(): Promise<PrinterCloudStatus>;
  /** POST /api/printers/ink-orders (S119): the order's number. */
  orderInk(): Promise<number>;
}
