// The printer apps' HTTPS client for the cloud's printer routes (firmware/images/printer/PROTOCOL.md §4),
// over the app's logged-in CloudClient. It holds the SVT it got by exchanging a SVWT and
// sends it as X-Service-Token: the SVT, never a device id, names the printer. Failures
// throw CloudError with the HTTP status (401: the SVT is missing or expired, exchange a
// new SVWT; 403: unknown or used SVWT; 409: free charge already used).
import type { CreateRegistrationRequest, CreateRegistrationResponse } from "../cloud/types.ts";
import {
  SVT_HEADER,
  type CwtResponse, type InkOrderResponse, type PrinterStatusResponse, type PurchaseRequest,
  type SvtRequest, type SvtResponse,
} from "../appliances/printer/cloud/types.ts";
import { CloudError, type CloudClient } from "./cloud-client.ts";

export type {
  ChargeKind, ChargeStatus, ChargeSummary, CwtResponse, InkOrderResponse, InkOrderSummary,
  PrinterStatusResponse, SvtResponse,
} from "../appliances/printer/cloud/types.ts";

/** Tokens travel base64 (standard, padded) in JSON; the printer's frames carry bytes. */
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

/** A CWT as the printer's CHARGE frame wants it (bytes), with its pages. */
export interface Cwt { cwt: Uint8Array; pages: number }

export class PrinterCloudClient {
  private held: SvtResponse | null = null;

  constructor(private readonly cloud: CloudClient) {}

  /** S86: registers the printer under the device id and password the app made (then
   *  handed to the printer in REGISTER). `serial` as the printer's HELLO_REPLY gave it. */
  register(deviceId: string, devicePassword: string, serial: string): Promise<CreateRegistrationResponse> {
    const body: CreateRegistrationRequest = { deviceId, devicePassword, serial, appliance: "printer" };
    return this.cloud.expect<CreateRegistrationResponse>(201, "POST", "/api/registrations", body);
  }

  /** S77-S81: exchanges a SVWT read from the printer (tap answer or SVWT frame) for an
   *  SVT, kept for the calls below. The cloud deletes the SVWT and tells the printer. */
  async exchangeSvwt(svwt: Uint8Array): Promise<SvtResponse> {
    const body: SvtRequest = { svwt: b64(svwt) };
    this.held = await this.cloud.expect<SvtResponse>(201, "POST", "/api/printers/svt", body);
    return this.held;
  }

  /** The SVT held (null before an exchange). */
  get svt(): SvtResponse | null { return this.held; }
  /** Uses an SVT got elsewhere (another client of the same session), or forgets it (null). */
  useSvt(svt: SvtResponse | null): void { this.held = svt; }

  /** S85-S89: the printer's free 2000 pages, once per printer (CloudError 409 after). */
  async freeCharge(): Promise<Cwt> {
    return toCwt(await this.withSvt<CwtResponse>(201, "POST", "/api/printers/free-charge"));
  }

  /** Buys `pages` (1..10000; payment simulated). */
  async purchase(pages: number): Promise<Cwt> {
    const body: PurchaseRequest = { pages };
    return toCwt(await this.withSvt<CwtResponse>(201, "POST", "/api/printers/purchase", body));
  }

  status(): Promise<PrinterStatusResponse> {
    return this.withSvt<PrinterStatusResponse>(200, "GET", "/api/printers/status");
  }

  /** S119: orders an ink cartridge; the order's number. */
  async orderInk(): Promise<number> {
    return (await this.withSvt<InkOrderResponse>(201, "POST", "/api/printers/ink-orders")).id;
  }

  private withSvt<T>(ok: number, method: string, path: string, body?: unknown): Promise<T> {
    if (!this.held) return Promise.reject(new CloudError(401, '{"error":"no SVT: exchange a SVWT first"}', `${method} ${path}`));
    return this.cloud.expect<T>(ok, method, path, body, true, { [SVT_HEADER]: this.held.svt });
  }
}

const toCwt = (r: CwtResponse): Cwt => ({ cwt: unb64(r.cwt), pages: r.pages });
