// The management app's cloud over HTTPS (contract §5): registration with the signed-in
// user's session (the maker app's CloudClient), the printer routes with the SVT in
// X-Service-Token (what identifies the printer; no device id in a body).
import { request } from "node:https";
import type { CloudClient } from "../cloud-client.ts";
import { PrinterCloudRefused, type ChargeGrant, type PrinterCloudApi, type PrinterCloudStatus, type SvtGrant } from "./cloud.ts";

export class HttpsPrinterCloud implements PrinterCloudApi {
  constructor(private readonly user: CloudClient, private readonly baseUrl: string, private readonly ca: string) {}

  async register(deviceId: string, devicePassword: string, serial: string): Promise<void> {
    const r = await this.user.call("POST", "/api/registrations", { deviceId, devicePassword, serial, appliance: "printer" });
    if (r.status !== 201) throw new PrinterCloudRefused(r.status, "POST /api/registrations", JSON.stringify(r.json));
  }

  exchangeSvwt(svwt: Uint8Array): Promise<SvtGrant> {
    return this.expect(201, "POST", "/api/printers/svt", undefined, { svwt: Buffer.from(svwt).toString("base64") });
  }
  freeCharge(svt: string): Promise<ChargeGrant> { return this.expect(201, "POST", "/api/printers/free-charge", svt); }
  purchase(svt: string, pages: number): Promise<ChargeGrant> { return this.expect(201, "POST", "/api/printers/purchase", svt, { pages }); }
  status(svt: string): Promise<PrinterCloudStatus> { return this.expect(200, "GET", "/api/printers/status", svt); }
  orderInk(svt: string): Promise<{ id: number | string }> { return this.expect(201, "POST", "/api/printers/ink-orders", svt); }

  private expect<T>(ok: number, method: string, path: string, svt?: string, body?: unknown): Promise<T> {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (data) headers["content-length"] = String(data.length);
    if (svt) headers["x-service-token"] = svt;
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.baseUrl), { method, headers, ca: this.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== ok) { reject(new PrinterCloudRefused(res.statusCode ?? 0, `${method} ${path}`, text)); return; }
          try { resolve(JSON.parse(text) as T); } catch { reject(new PrinterCloudRefused(res.statusCode ?? 0, `${method} ${path}`, "not JSON")); }
        });
      });
      req.on("error", reject);
      req.setTimeout(5000, () => req.destroy(new Error(`${method} ${path}: no answer from the cloud`)));
      req.end(data);
    });
  }
}
