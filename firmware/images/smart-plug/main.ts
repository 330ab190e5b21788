// smart-plug: the smallest appliance on the platform. A relay switched by a button or by
// cloud commands, its state reported, pairing with the app over the home LAN with the
// secure session and the onboarding module. README.md.
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/index";
import { Scheduler } from "../../modules/scheduler/index";
import { bootAppliance, applianceEvent } from "../../modules/appliance/index";
import { smartPlugKeyspace } from "./keys";
import { Plug, SCHEDULER_TIMER } from "./plug";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

const store = new CredentialStore(new RecordStore(), smartPlugKeyspace());
const scheduler = new Scheduler(SCHEDULER_TIMER, store);
const plug = new Plug(store, scheduler);

export function fw_boot(): i32 { return bootAppliance(plug); }
export function fw_event(kind: i32, arg: i32, len: i32): i32 { return applianceEvent(plug, kind, arg, len); }
