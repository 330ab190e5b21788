// A probe entry for size/measure.ts: the store, the scheduler and the contract table, each
// call of the table reachable from an export so that none of its code is left out.
import "../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../board/entry";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { ContractTable, ContractEvents, KEYS as CONTRACT_KEYS } from "../index";

let store: CredentialStore | null = null;
let scheduler: Scheduler | null = null;
let table: ContractTable | null = null;

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CONTRACT_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  const t = new ContractTable(s, sch, new ContractEvents());
  sch.boot();
  store = s; scheduler = sch; table = t;
  return t.boot();
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function change(role: u8, at: i64, code: u32, types: u32): i32 { return table!.change(role, at, code, types); }
export function cancel(id: u32): i32 { return table!.cancel(id); }
export function confirm(code: u32, types: u32): i32 { return table!.confirm(code, types); }
export function may(code: u32, types: u32): bool { return table!.mayReceive(code, types); }
export function pending(): i32 { const t = table!; return t.pendingCount() + <i32>t.pendingId(0) + <i32>t.pendingAt(0) + <i32>t.pendingCode(0) + <i32>t.pendingTypes(0) + <i32>t.pendingRole(0); }
export function meter(p: usize, n: i32): i32 { const b = Uint8Array.wrap(changetype<ArrayBuffer>(p), 0, n); return table!.setMeterCode(b) + table!.meterCode(b); }
