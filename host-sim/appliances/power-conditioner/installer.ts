// The factory's and the contract partner's tools (firmware/images/power-conditioner/
// PROTOCOL.md §5, §7). The factory's line has the credential operator make the PCS's
// maintenance credential and writes its verifier into the PCS (MAINTENANCE); the digits
// go on the worker's sheet (the operator mails it to its workers). The partner's
// installer registers the PCS with the maker's cloud, has the partner issue its device
// key, and writes the cloud login and the unique information into the PCS (INSTALL). The
// device password and the device key go from the tool into the frame and nowhere else.
import { randomBytes, randomUUID } from "node:crypto";
import { CloudClient, CloudError } from "../../phone/cloud-client.ts";
import { FACTORY_USER, INSTALLER_USER, SUNLEASE_PPS, type Contact } from "./cloud/index.ts";
import { PcsCloudClient } from "./cloud/client.ts";
import { ServiceStatus, type Installation } from "./install.ts";
import type { Capacities, Personal } from "./items.ts";
import { PCS_SERIAL } from "./index.ts";

/** What a tool needs of the PCS in front of it: its service port. */
export interface ServiceTarget {
  maintenance(data: Uint8Array): Promise<number | null>;
  install(i: Installation): Promise<number | null>;
}

export interface ToolOptions {
  cloudUrl: string;
  ca: string;
  user: string;
  note?: (text: string) => void;
}

/** A tool's account at the maker's cloud (made on first use). */
async function account(o: ToolOptions): Promise<PcsCloudClient> {
  const password = `${o.user}-tool-password`;
  const cloud = new CloudClient(o.cloudUrl, o.ca, { user: o.user, password, terminalId: `${o.user}-tool` });
  const r = await cloud.call("POST", "/api/users", { user: o.user, password }, false);
  if (r.status !== 201 && r.status !== 409) throw new CloudError(r.status, JSON.stringify(r.json), `${o.user} account`);
  return new PcsCloudClient(cloud);
}

/** The factory line: the operator makes the maintenance credential (once per PCS) and
 *  the tool writes its verifier into the PCS; the digits stay on the workers' sheet. */
export async function factoryMaintenance(pcs: ServiceTarget, o: Partial<ToolOptions> & Pick<ToolOptions, "cloudUrl" | "ca">): Promise<void> {
  const cloud = await account({ user: FACTORY_USER, ...o });
  const made = await cloud.factory(PCS_SERIAL);
  const status = await pcs.maintenance(Buffer.from(made.data, "hex"));
  o.note?.(`factory writes operator ${made.operator.toString(16).toUpperCase()}'s key and the maintenance verifier (MAINTENANCE) -> ${status}`);
  if (status !== ServiceStatus.OK) throw new Error(`the power conditioner refused MAINTENANCE: ${status}`);
}

export interface InstallVisit {
  partner?: number;
  /** The residents the partner sends credentials to. */
  contacts: Contact[];
  personal: Personal;
  site: string;
  capacities: Capacities;
}

/** The partner's installer: registration, device key, INSTALL; the registration's id. */
export async function installPcs(pcs: ServiceTarget, visit: InstallVisit, o: Partial<ToolOptions> & Pick<ToolOptions, "cloudUrl" | "ca">): Promise<string> {
  const cloud = await account({ user: INSTALLER_USER, ...o });
  const deviceId = randomUUID();
  const password = randomBytes(18).toString("base64url");
  await cloud.register(deviceId, password, PCS_SERIAL);
  const c = await cloud.install(deviceId, visit.partner ?? SUNLEASE_PPS, visit.contacts);
  o.note?.(`installer registers the power conditioner (${deviceId}); partner ${c.partner.toString(16).toUpperCase()} issues its device key`);
  const status = await pcs.install({
    deviceId, password, personal: visit.personal, site: visit.site, capacities: visit.capacities,
    connection: { partner: c.partner, publicKey: Buffer.from(c.partnerPublicKey, "hex"), deviceKey: Buffer.from(c.deviceKey, "hex") },
  });
  o.note?.(`installer writes the login and the unique information into the power conditioner (INSTALL) -> ${status}`);
  if (status !== ServiceStatus.OK) throw new Error(`the power conditioner refused INSTALL: ${status}`);
  return deviceId;
}
