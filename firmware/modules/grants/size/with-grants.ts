// A probe entry for scripts/module-size.ts: the store, the scheduler and grants, every
// call of the module reachable from an export.
import "../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../board/entry";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { Grants, reasonName, KEYS as GRANTS_KEYS } from "../index";

let store: CredentialStore | null = null;
let scheduler: Scheduler | null = null;
let grants: Grants | null = null;

function bytes(p: usize, n: i32): Uint8Array { return Uint8Array.wrap(changetype<ArrayBuffer>(p), 0, n); }

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, GRANTS_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  const g = new Grants(s, sch, "LK-0001");
  sch.boot();
  store = s; scheduler = sch; grants = g;
  return g.boot();
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function install(p: usize): i32 { const t = store!.begin(); const rc = grants!.installMakerKey(t, bytes(p, 65)); return rc == 0 ? t.commit() : rc; }
export function challenge(): i32 { return grants!.challenge().length; }
export function close(): void { grants!.endSession(); }
export function operate(p: usize, n: i32): i32 { const d = grants!.operate(bytes(p, n)); return d.status * 256 + d.reason + <i32>d.grantId + d.action + reasonName(d.reason).length; }
export function revocations(p: usize, n: i32): i32 { return grants!.receiveRevocations(bytes(p, n)); }
export function time(p: usize, n: i32): i32 { return grants!.clock.receive(bytes(p, n)); }
export function ask(): i32 { return grants!.clock.request().length; }
export function state(): i64 {
  const g = grants!;
  return g.clock.nowUtcMs() + (g.clock.known() ? 1 : 0) + <i64>g.revocationVersion() + g.failures() + g.lockedOutMs() + (g.installed() ? 1 : 0);
}
