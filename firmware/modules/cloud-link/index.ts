// modules/cloud-link: public API (README.md).
import { KeyRange, ResetClass } from "../../storage/keyspace";
export { CloudLink, OutboxFormat, RETRY_DEADLINE, LinkState } from "./cloud-link";
export { CloudTransport } from "./transport";
export { TopicSchema, validDeviceId } from "./topics";
export { Outbox, OutboxEntry, GAP, MAX_CHUNKS, CHUNK_BYTES } from "./outbox";
export { Commands, CommandHandler, LAST_COMMAND, replyEntry, replyJson } from "./commands";

/** Registration class: a new registration starts with a fresh command floor and outbox. */
export const KEYS: KeyRange[] = [
  new KeyRange("cloud-link commands", 0x0203, 0x0205, ResetClass.INITIALIZATION),
  new KeyRange("cloud-link outbox", 0x0206, 0x025f, ResetClass.INITIALIZATION),
];
