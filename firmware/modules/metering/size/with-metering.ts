// A probe entry for scripts/module-size.ts: store, scheduler, contract table and the
// metering module, each call of the module reachable from an export.
import "../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../board/entry";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { OK } from "../../../core/errors";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { ContractTable, ContractEvents, KEYS as CONTRACT_KEYS } from "../../contract-table/index";
import { BoardSource, Handed, Metering, ReadingSink, KEYS as METERING_KEYS } from "../index";

class Sink extends ReadingSink {
  sum: i64 = 0;
  hand(r: Handed): i32 { this.sum += <i64>r.rseq + r.endUtcMs + <i64>r.powerW + <i64>r.energyWh + <i64>r.slotWh + <i64>r.quality; return OK; }
}

let scheduler: Scheduler | null = null;
let table: ContractTable | null = null;
let metering: Metering | null = null;
const sink = new Sink();

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CONTRACT_KEYS, METERING_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  const t = new ContractTable(s, sch, new ContractEvents());
  const m = new Metering(s, sch, t, new BoardSource());
  sch.boot();
  scheduler = sch; table = t; metering = m;
  t.boot();
  return m.boot();
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function change(role: u8, at: i64, code: u32, types: u32): i32 { return table!.change(role, at, code, types); }
export function switched(role: u8, from: u32, to: u32, at: i64): i32 { return metering!.onSwitched(role, from, to, at); }
export function confirmed(code: u32): i32 { return metering!.confirmed(code); }
export function security(code: u32): i32 { return metering!.securityError(code); }
export function hand(): i32 { return metering!.handOff(sink); }
export function read(at: i64): i64 { const m = metering!; return m.registerAt(at) + m.latestEnd() + <i64>m.lost() + <i64>m.nextRseq(0xa001); }
