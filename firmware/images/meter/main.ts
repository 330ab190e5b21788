// meter: the smart electricity meter of seed 003. Installed by the utility over the
// service port; contract table switched by companies (through the head-end), IC cards
// and its date-time setting; the fourth embodiment's confirmation and breaker; ECHONET
// Lite for the home's HEMS. Protocols: PROTOCOL.md; parts: README.md.
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/index";
import { Scheduler } from "../../modules/scheduler/index";
import { bootAppliance, applianceEvent } from "../../modules/appliance/index";
import { keepHeapHeadroom } from "../../board/index";
import { meterKeyspace } from "./keys";
import { Meter, SCHEDULER_TIMER } from "./meter";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

keepHeapHeadroom(16384);

const store = new CredentialStore(new RecordStore(), meterKeyspace());
const scheduler = new Scheduler(SCHEDULER_TIMER, store);
const meter = new Meter(store, scheduler);   // its modules register their deadlines

export function fw_boot(): i32 { return bootAppliance(meter); }
export function fw_event(kind: i32, arg: i32, len: i32): i32 { return applianceEvent(meter, kind, arg, len); }
