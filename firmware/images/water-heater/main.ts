// water-heater: the bath water heater's remote controller (seed 000). Registration with
// the maker's app over the home LAN, operation from the buttons or from the app through
// the cloud, usage history that survives outages. Protocols: PROTOCOL.md.
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/index";
import { Scheduler } from "../../modules/scheduler/index";
import { bootAppliance, applianceEvent } from "../../modules/appliance/index";
import { waterHeaterKeyspace } from "./keys";
import { Remote, SCHEDULER_TIMER } from "./remote";
import { keepHeapHeadroom } from "../../board/index";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

// Its largest event, resending eight outbox messages after an outage, allocates 11 KiB.
keepHeapHeadroom(16384);

const store = new CredentialStore(new RecordStore(), waterHeaterKeyspace());
const scheduler = new Scheduler(SCHEDULER_TIMER, store);
const remote = new Remote(store, scheduler);   // its modules register their deadlines

export function fw_boot(): i32 { return bootAppliance(remote); }
export function fw_event(kind: i32, arg: i32, len: i32): i32 { return applianceEvent(remote, kind, arg, len); }
