// What the cloud needs from one kind of appliance. Registration, the outbox, history,
// state and retirement (PROTOCOL.md §2, §3) are the same for every appliance and live in
// the generic cloud; the commands a phone may send are the appliance's own, so each
// appliance folder (host-sim/appliances/<name>/) brings a CloudService that checks them.
import type { Checked } from "./validate.ts";
import type { CommandFields } from "./types.ts";

export interface CloudService {
  /** The appliance's name in the registry (host-sim/appliances/index.ts). */
  appliance: string;
  /** Checks the body of POST /api/devices/<id>/commands. What it returns goes down to the
   *  device as the command's fields, after `cmd`; a reason is answered with 400. */
  checkCommand(body: unknown): Checked<CommandFields>;
}
