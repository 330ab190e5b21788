// The probe without the metering module: the same store, scheduler and contract table,
// and what the module does to them (a protected chunk record, a two-record transaction,
// a UTC deadline) done directly, so that the difference is the module's own code.
import "../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../board/entry";
import * as board from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { Attr, CredentialStore, ValueType, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { DeadlineOwner, Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { ContractTable, ContractEvents, KEYS as CONTRACT_KEYS } from "../../contract-table/index";
import { KEYS as METERING_KEYS } from "../ids";

class Owner extends DeadlineOwner {
  fired: i32 = 0;
  onDeadline(name: u32, lateMs: i64): void { this.fired++; }
}

let store: CredentialStore | null = null;
let scheduler: Scheduler | null = null;
let table: ContractTable | null = null;
const buf = new Uint8Array(142);
const out = new Uint8Array(12);

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CONTRACT_KEYS, METERING_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  const t = new ContractTable(s, sch, new ContractEvents());
  sch.register(0x50, new Owner());
  sch.boot();
  store = s; scheduler = sch; table = t;
  return t.boot();
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function change(role: u8, at: i64, code: u32, types: u32): i32 { return table!.change(role, at, code, types); }
export function measure(at: i64): i32 {
  board.measure(0, out);
  scheduler!.atUtc(0x50, at, 0, 0);
  const v = store!.getTyped(0x0810, ValueType.BYTES);
  return store!.put(0x0810, ValueType.BYTES, Attr.PROTECTED, v === null ? buf : v);
}
export function both(): i32 {
  const t = store!.begin();
  t.put(0x0810, ValueType.BYTES, Attr.PROTECTED, buf);
  t.put(0x0800, ValueType.BYTES, Attr.PROTECTED, buf);
  return t.commit();
}
export function may(code: u32, types: u32): bool { return table!.mayReceive(code, types); }
