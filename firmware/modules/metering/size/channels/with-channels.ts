// A probe entry for scripts/module-size.ts: the metering module as the power conditioner
// uses it (three board channels, one partner as SoleRecipient, no contract table), each
// call of the module reachable from an export.
import "../../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../../board/entry";
import { RecordStore } from "../../../../storage/record-store";
import { Keyspace } from "../../../../storage/keyspace";
import { OK } from "../../../../core/errors";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../../scheduler/index";
import { BoardSource, Handed, Metering, MeteringConfig, MeteringEvents, ReadingSink, SoleRecipient, KEYS as METERING_KEYS } from "../../index";
import { Clock } from "../../../scheduler/index";

class Sink extends ReadingSink {
  sum: i64 = 0;
  hand(r: Handed): i32 {
    this.sum += <i64>r.rseq + r.endUtcMs + <i64>r.quality;
    for (let c = 0; c < 3; c++) this.sum += <i64>r.powerAt(c) + <i64>r.energyAt(c) + <i64>r.slotWhAt(c);
    return OK;
  }
}

let scheduler: Scheduler | null = null;
let metering: Metering | null = null;
const partner = new SoleRecipient(0xd101);
const sink = new Sink();

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, METERING_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  const config = new MeteringConfig();
  config.channels = 3;
  const m = new Metering(s, sch, partner, new BoardSource(2, 3, 4), new MeteringEvents(), new Clock(), config);
  sch.boot();
  scheduler = sch; metering = m;
  return m.boot();
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function switched(from: u32, to: u32, at: i64): i32 { partner.company = to; return metering!.onSwitched(0, from, to, at); }
export function confirmed(code: u32): i32 { return metering!.confirmed(code); }
export function security(code: u32): i32 { return metering!.securityError(code); }
export function hand(): i32 { return metering!.handOff(sink); }
export function read(at: i64): i64 { const m = metering!; return m.registerAt(at) + m.latestEnd() + <i64>m.lost() + <i64>m.nextRseq(0xd101); }
