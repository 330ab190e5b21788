// The customer's and the installer's HTTPS client for the meter's routes
// (firmware/images/meter/PROTOCOL.md §2, §4), over a logged-in CloudClient. The installer's
// tool registers the meter and names its resident; the resident's app orders a switch
// through the company it moves to and reads the notices. Failures throw CloudError with
// the HTTP status (403: not a meter of this user; 404: no such company or user).
import type { CreateRegistrationRequest, CreateRegistrationResponse } from "../cloud/types.ts";
import type {
  AddResidentRequest, AddResidentResponse, MeterNoticesResponse, SwitchOrderRequest, SwitchOrderResponse,
} from "../appliances/meter/cloud/types.ts";
import type { CloudClient } from "./cloud-client.ts";

export type {
  AddResidentResponse, MeterNotice, MeterNoticesResponse, SwitchOrderResponse,
} from "../appliances/meter/cloud/types.ts";

export class MeterCloudClient {
  constructor(private readonly cloud: CloudClient) {}

  /** The installer's tool (§2): registers the meter under the device id and password it
   *  then hands the meter in INSTALL. */
  register(deviceId: string, devicePassword: string, serial: string): Promise<CreateRegistrationResponse> {
    const body: CreateRegistrationRequest = { deviceId, devicePassword, serial, appliance: "meter" };
    return this.cloud.expect<CreateRegistrationResponse>(201, "POST", "/api/registrations", body);
  }

  /** A member of the registration names the meter's resident (user name). */
  addResident(deviceId: string, user: string): Promise<AddResidentResponse> {
    const body: AddResidentRequest = { user };
    return this.cloud.expect<AddResidentResponse>(201, "POST", `/api/meter/${deviceId}/residents`, body);
  }

  /** Third embodiment (1): asks company `company` to take over at `at` (UTC ms, -1 now). */
  orderSwitch(deviceId: string, company: number, at: number): Promise<SwitchOrderResponse> {
    const body: SwitchOrderRequest = { company, at };
    return this.cloud.expect<SwitchOrderResponse>(202, "POST", `/api/meter/${deviceId}/switch`, body);
  }

  /** Step (5): switches, scheduled ends and security errors, oldest first. */
  notices(deviceId: string): Promise<MeterNoticesResponse> {
    return this.cloud.expect<MeterNoticesResponse>(200, "GET", `/api/meter/${deviceId}/notices`);
  }
}
