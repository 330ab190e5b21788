// A probe entry for size/measure.ts: the same calls with the store and the scheduler only
// (two PROTECTED records written in one transaction and read back, a volatile UTC deadline).
import "../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../board/entry";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { Attr, CredentialStore, ValueType, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { DeadlineOwner, Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { KEYS as CONTRACT_KEYS } from "../ids";

class Owner extends DeadlineOwner { n: i32 = 0; onDeadline(name: u32, lateMs: i64): void { this.n++; } }
let store: CredentialStore | null = null;
let scheduler: Scheduler | null = null;
const buf = new Uint8Array(400);

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CONTRACT_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  sch.register(0x40, new Owner());
  sch.boot();
  store = s; scheduler = sch;
  const a = s.getTyped(0x721, ValueType.BYTES);
  return a === null ? 0 : a.length;
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function change(role: u8, at: i64, code: u32, types: u32): i32 {
  buf[0] = role;
  const t = store!.begin();
  t.put(0x721, ValueType.BYTES, Attr.PROTECTED, buf.subarray(0, 21));
  t.put(0x722, ValueType.BYTES, Attr.PROTECTED, buf.subarray(0, <i32>code));
  const rc = t.commit();
  scheduler!.atUtc(0x40, at, 0, 0);
  return rc;
}
export function cancel(id: u32): i32 { return scheduler!.cancel(id); }
export function confirm(code: u32, types: u32): i32 { return <i32>(code ^ types); }
export function may(code: u32, types: u32): bool { return code == types; }
export function pending(): i32 { return 0; }
export function meter(p: usize, n: i32): i32 {
  const b = Uint8Array.wrap(changetype<ArrayBuffer>(p), 0, n);
  const v = store!.getTyped(0x720, ValueType.BYTES);
  return v === null ? store!.put(0x720, ValueType.BYTES, Attr.PROTECTED, b) : v.length;
}
