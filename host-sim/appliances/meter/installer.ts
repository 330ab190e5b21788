// The utility's installer and its tool (firmware/images/meter/PROTOCOL.md §2): the tool
// holds an account at the head-end, registers the meter there (a new device id and
// password, appliance "meter"), writes both with the meter code into the meter over its
// service port, and names the residents who may use the meter's phone routes (§4). The
// device password goes from the tool to the head-end and into the INSTALL frame, nowhere
// else: the installer's log says that it was written, never what.
import { randomBytes, randomUUID } from "node:crypto";
import { CloudClient, CloudError } from "../../phone/cloud-client.ts";
import type { CreateRegistrationRequest, CreateRegistrationResponse } from "../../cloud/types.ts";
import type { AddResidentRequest, AddResidentResponse } from "./cloud/types.ts";
import { InstallStatus, type Installation } from "./install.ts";
import { METER_SERIAL } from "./panel.ts";

/** What the tool needs of the meter in front of it: the INSTALL request over its port. */
export interface InstallTarget { install(i: Installation): Promise<number | null> }

export interface InstallerOptions {
  cloudUrl: string;
  ca: string;
  user?: string;
  note?: (text: string) => void;
}

export class InstallerTool {
  readonly cloud: CloudClient;
  private readonly note: (text: string) => void;

  constructor(private readonly o: InstallerOptions) {
    const user = o.user ?? "installer";
    this.cloud = new CloudClient(o.cloudUrl, o.ca, { user, password: `${user}-tool-password`, terminalId: `${user}-tool` });
    this.note = o.note ?? (() => undefined);
  }

  /** Registers the meter and installs it; the registration's device id. Throws when the
   *  head-end or the meter refuses (a meter holding another meter code: -3). */
  async install(meter: InstallTarget, meterCode: string, residents: string[] = []): Promise<string> {
    const r = await this.cloud.call("POST", "/api/users", { user: this.userName, password: `${this.userName}-tool-password` }, false);
    if (r.status !== 201 && r.status !== 409) throw new CloudError(r.status, JSON.stringify(r.json), "installer account");
    const deviceId = randomUUID();
    const devicePassword = randomBytes(18).toString("base64url");
    const body: CreateRegistrationRequest = { deviceId, devicePassword, serial: METER_SERIAL, appliance: "meter" };
    await this.cloud.expect<CreateRegistrationResponse>(201, "POST", "/api/registrations", body);
    this.note(`installer registers the meter at the head-end: ${deviceId}`);
    const status = await meter.install({ meterCode, deviceId, password: devicePassword });
    this.note(`installer writes meter code ${meterCode} and the registration into the meter (INSTALL) -> ${status}`);
    if (status !== InstallStatus.STORED) throw new Error(`the meter refused INSTALL: ${status}`);
    for (const user of residents) {
      const req: AddResidentRequest = { user };
      await this.cloud.expect<AddResidentResponse>(201, "POST", `/api/meter/${deviceId}/residents`, req);
    }
    return deviceId;
  }

  private get userName(): string { return this.o.user ?? "installer"; }
}
