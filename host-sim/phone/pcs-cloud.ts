// What a person's phone (a resident, a worker) does with the power conditioner's cloud
// routes (firmware/images/power-conditioner/PROTOCOL.md §7): asks an issuer for
// authentication information, reads the credential from its own mailbox, enrols the PCS
// with a new partner, reads what the partner received.
import type { CloudClient } from "./cloud-client.ts";
import type {
  AuthRequestBody, AuthRequestResponse, EnrolmentRequest, EnrolmentResponse, Message, MessagesResponse, ReadingsResponse,
} from "../appliances/power-conditioner/cloud/types.ts";

/** The digits of the credential a message carries ("your code is 0123456789"), or null. */
export function credentialIn(m: Message): string | null {
  return /\bcode is (\d{10,12})\b/.exec(m.text)?.[1] ?? null;
}

export class PcsCloudApi {
  constructor(readonly cloud: CloudClient) {}

  /** S11/S21: `issuer` sends authentication information to the PCS and the credential to `to`. */
  requestAuth(serial: string, ask: AuthRequestBody): Promise<AuthRequestResponse> {
    return this.cloud.expect<AuthRequestResponse>(202, "POST", `/api/pcs/${serial}/auth-requests`, ask);
  }

  inbox(to: string): Promise<MessagesResponse> {
    return this.cloud.expect<MessagesResponse>(200, "GET", `/api/pcs/messages?to=${encodeURIComponent(to)}`);
  }

  /** The credential of the newest message in the mailbox that carries one. */
  async newestCredential(to: string): Promise<string | null> {
    const box = await this.inbox(to);
    for (const m of [...box].reverse()) { const d = credentialIn(m); if (d) return d; }
    return null;
  }

  /** Ownership passes: the partner `code` issues a new CONNECTION for the PCS. */
  enrol(code: number, serial: string, to: string): Promise<EnrolmentResponse> {
    const body: EnrolmentRequest = { serial, to };
    return this.cloud.expect<EnrolmentResponse>(201, "POST", `/api/pcs/partners/${code}/enrolments`, body);
  }

  readings(serial: string, partner: number): Promise<ReadingsResponse> {
    return this.cloud.expect<ReadingsResponse>(200, "GET", `/api/pcs/${serial}/readings?partner=${partner}`);
  }
}
