// A person reading the power conditioner's credential in their mail or SMS (the cloud's
// message outbox, firmware/images/power-conditioner/PROTOCOL.md §7).
import type { PcsCloudClient } from "../appliances/power-conditioner/cloud/client.ts";
import type { Message } from "../appliances/power-conditioner/cloud/types.ts";

/** The digits of the credential a message carries ("your code is 0123456789"), or null. */
export function credentialIn(m: Message): string | null {
  return /\bcode is (\d{10,12})\b/.exec(m.text)?.[1] ?? null;
}

/** The credential of the newest message in the mailbox `to` that carries one. */
export async function newestCredential(client: PcsCloudClient, to: string): Promise<string | null> {
  const box = await client.messages(to);
  for (const m of [...box].reverse()) { const d = credentialIn(m); if (d) return d; }
  return null;
}

/** The maintenance code of the operator's newest sheet in the mailbox `to` (a worker's). */
export async function maintenanceCode(client: PcsCloudClient, to: string): Promise<string | null> {
  const box = await client.messages(to);
  for (const m of [...box].reverse()) { const d = /\bmaintenance code is (\d{12})\b/.exec(m.text)?.[1]; if (d) return d; }
  return null;
}
