// lock: the shared vehicle or facility lock of seed 004. Grants from the maker's key
// server, presented over BLE by the booking app's maker SDK; the owner's button inside.
// Protocols: PROTOCOL.md; parts: README.md.
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/index";
import { Scheduler } from "../../modules/scheduler/index";
import { bootAppliance, applianceEvent } from "../../modules/appliance/index";
import { keepHeapHeadroom } from "../../board/index";
import { lockKeyspace } from "./keys";
import { Lock, SCHEDULER_TIMER } from "./lock";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

keepHeapHeadroom(16384);

const store = new CredentialStore(new RecordStore(), lockKeyspace());
const scheduler = new Scheduler(SCHEDULER_TIMER, store);
const lock = new Lock(store, scheduler);   // its deadlines registered before boot

export function fw_boot(): i32 { return bootAppliance(lock); }
export function fw_event(kind: i32, arg: i32, len: i32): i32 { return applianceEvent(lock, kind, arg, len); }
