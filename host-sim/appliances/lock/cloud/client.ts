// The HTTPS client of the key server's routes (PROTOCOL.md §7) over a CloudClient: the
// owner's tool and the booking service's account. Failures throw CloudError with the status.
import type { CreateRegistrationRequest, CreateRegistrationResponse } from "../../../cloud/types.ts";
import type { CloudClient } from "../../../phone/cloud-client.ts";
import {
  LOCK_APPLIANCE, type EventsResponse, type GrantRequest, type GrantResponse, type HoldSlotRequest, type HoldSlotResponse,
  type RegisterLockRequest, type RegisterLockResponse, type RevokeRequest, type RevokeResponse,
} from "./types.ts";

export class LockCloudClient {
  constructor(readonly cloud: CloudClient) {}

  /** The owner registers the lock's device id and password (the generic route). */
  register(deviceId: string, devicePassword: string, serial: string): Promise<CreateRegistrationResponse> {
    const body: CreateRegistrationRequest = { deviceId, devicePassword, serial, appliance: LOCK_APPLIANCE };
    return this.cloud.expect<CreateRegistrationResponse>(201, "POST", "/api/registrations", body);
  }
  /** The owner: the lock into the registry; INSTALL's payload and the lock's ref. */
  registerLock(deviceId: string, devicePassword: string): Promise<RegisterLockResponse> {
    const body: RegisterLockRequest = { deviceId, devicePassword };
    return this.cloud.expect<RegisterLockResponse>(201, "POST", "/api/lock/locks", body);
  }
  /** The booking service: holds a slot. */
  hold(req: HoldSlotRequest): Promise<HoldSlotResponse> {
    return this.cloud.expect<HoldSlotResponse>(201, "POST", "/api/lock/bookings", req);
  }
  /** The booking service: cancels (the grant, if any, is revoked). */
  cancel(ticket: string): Promise<unknown> {
    return this.cloud.expect(200, "DELETE", `/api/lock/bookings/${encodeURIComponent(ticket)}`);
  }
  /** The maker SDK (no session). */
  grant(req: GrantRequest): Promise<GrantResponse> {
    return this.cloud.expect<GrantResponse>(201, "POST", "/api/lock/grants", req, false);
  }
  /** The owner. */
  revoke(serial: string, req: RevokeRequest): Promise<RevokeResponse> {
    return this.cloud.expect<RevokeResponse>(200, "POST", `/api/lock/locks/${encodeURIComponent(serial)}/revocations`, req);
  }
  events(serial: string): Promise<EventsResponse> {
    return this.cloud.expect<EventsResponse>(200, "GET", `/api/lock/locks/${encodeURIComponent(serial)}/events`);
  }
}
