// printer: the home printer of seed 001. Set up by a phone's tap (NFC, or BLE after
// CONNECT), Wi-Fi Direct for the phone, the home router for the cloud; prepaid pages
// charged by cloud command exactly once. Protocols: PROTOCOL.md; parts: README.md.
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/index";
import { Scheduler } from "../../modules/scheduler/index";
import { bootAppliance, applianceEvent } from "../../modules/appliance/index";
import { keepHeapHeadroom } from "../../board/index";
import { printerKeyspace } from "./keys";
import { Printer, SCHEDULER_TIMER } from "./printer";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

keepHeapHeadroom(16384);

const store = new CredentialStore(new RecordStore(), printerKeyspace());
const scheduler = new Scheduler(SCHEDULER_TIMER, store);
const printer = new Printer(store, scheduler);   // its modules register their deadlines

export function fw_boot(): i32 { return bootAppliance(printer); }
export function fw_event(kind: i32, arg: i32, len: i32): i32 { return applianceEvent(printer, kind, arg, len); }
