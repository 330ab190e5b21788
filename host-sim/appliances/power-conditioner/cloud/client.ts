// The HTTPS client of the power conditioner's routes (PROTOCOL.md §7), over a logged-in
// CloudClient: the partner's installer's tool, the resident's and the worker's phones, the
// consumer moving to a new partner, the factory line. Failures throw CloudError with the
// HTTP status (403: not yours; 404: no such partner, issuer or user; 409: no registration
// of the PCS, a mailbox of another user, a maintenance record made already).
import type { CreateRegistrationRequest, CreateRegistrationResponse } from "../../../cloud/types.ts";
import type { CloudClient } from "../../../phone/cloud-client.ts";
import {
  PCS_APPLIANCE, type AuthRequestBody, type AuthRequestResponse, type Contact, type EnrolmentRequest, type EnrolmentResponse,
  type FactoryRequest, type FactoryResponse, type InstallationRequest, type InstallationResponse, type MessagesResponse,
  type ReadingsResponse,
} from "./types.ts";

export class PcsCloudClient {
  constructor(readonly cloud: CloudClient) {}

  /** The installer's tool: registers the PCS under the device id and password it then
   *  writes into INSTALL (the generic route, appliance "power-conditioner"). */
  register(deviceId: string, devicePassword: string, serial: string): Promise<CreateRegistrationResponse> {
    const body: CreateRegistrationRequest = { deviceId, devicePassword, serial, appliance: PCS_APPLIANCE };
    return this.cloud.expect<CreateRegistrationResponse>(201, "POST", "/api/registrations", body);
  }

  /** The installer's tool: partner `partner` issues the PCS's device key; the answer is
   *  INSTALL's CONNECTION (keys.ts connectionBytes). */
  install(deviceId: string, partner: number, contacts: Contact[]): Promise<InstallationResponse> {
    const body: InstallationRequest = { deviceId, partner, contacts };
    return this.cloud.expect<InstallationResponse>(201, "POST", "/api/pcs/installations", body);
  }

  /** S11/S21: asks `ask.issuer` for authentication information for the PCS `serial`; the
   *  credential arrives in the caller's mailbox `ask.to`. */
  requestAuth(serial: string, ask: AuthRequestBody): Promise<AuthRequestResponse> {
    return this.cloud.expect<AuthRequestResponse>(202, "POST", `/api/pcs/${encodeURIComponent(serial)}/auth-requests`, ask);
  }

  /** The caller's mailbox, oldest first. */
  messages(to: string): Promise<MessagesResponse> {
    return this.cloud.expect<MessagesResponse>(200, "GET", `/api/pcs/messages?to=${encodeURIComponent(to)}`);
  }

  /** Use case 2: partner `partner` issues a new CONNECTION for the PCS; the caller becomes
   *  its contact at `to`. */
  enrol(partner: number, serial: string, to: string): Promise<EnrolmentResponse> {
    const body: EnrolmentRequest = { serial, to };
    return this.cloud.expect<EnrolmentResponse>(201, "POST", `/api/pcs/partners/${partner}/enrolments`, body);
  }

  /** What partner `partner` stored of the PCS `serial`, by rseq. */
  readings(serial: string, partner: number): Promise<ReadingsResponse> {
    return this.cloud.expect<ReadingsResponse>(200, "GET", `/api/pcs/${encodeURIComponent(serial)}/readings?partner=${partner}`);
  }

  /** The factory line: the PCS's maintenance record (MAINTENANCE's data, the sheet's digits). */
  factory(serial: string): Promise<FactoryResponse> {
    const body: FactoryRequest = { serial };
    return this.cloud.expect<FactoryResponse>(201, "POST", "/api/pcs/factory", body);
  }
}
