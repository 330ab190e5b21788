// power-conditioner: the PCS of seed 002. Installed by the partner's installer over the
// service port (the factory's maintenance credential first); guards its unique
// information behind server-issued credentials; reports PV, charge and discharge to its
// contract partner. Protocols: PROTOCOL.md; parts: README.md.
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/index";
import { Scheduler } from "../../modules/scheduler/index";
import { bootAppliance, applianceEvent } from "../../modules/appliance/index";
import { keepHeapHeadroom } from "../../board/index";
import { pcsKeyspace } from "./keys";
import { PowerConditioner, SCHEDULER_TIMER } from "./pcs";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

keepHeapHeadroom(16384);

const store = new CredentialStore(new RecordStore(), pcsKeyspace());
const scheduler = new Scheduler(SCHEDULER_TIMER, store);
const pcs = new PowerConditioner(store, scheduler);   // its modules register their deadlines

export function fw_boot(): i32 { return bootAppliance(pcs); }
export function fw_event(kind: i32, arg: i32, len: i32): i32 { return applianceEvent(pcs, kind, arg, len); }
