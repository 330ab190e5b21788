// A probe entry for scripts/module-size.ts: the same exports over the store and the
// scheduler alone (a protected record written and read back, an attempt counter, a
// volatile deadline, the board's ECDSA and random), so the difference to with-grants.ts is
// modules/grants itself.
import "../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../board/entry";
import * as board from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { Attr, CredentialStore, ValueType, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { DeadlineOwner, Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { KEYS as GRANTS_KEYS } from "../ids";

class Owner extends DeadlineOwner { n: i32 = 0; onDeadline(name: u32, lateMs: i64): void { this.n++; } }
let store: CredentialStore | null = null;
let scheduler: Scheduler | null = null;
const owner = new Owner();

function bytes(p: usize, n: i32): Uint8Array { return Uint8Array.wrap(changetype<ArrayBuffer>(p), 0, n); }

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, GRANTS_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  sch.register(0x68, owner);
  sch.boot();
  store = s; scheduler = sch;
  return s.counter(0x0990);
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function install(p: usize): i32 { const t = store!.begin(); t.put(0x0980, ValueType.BYTES, Attr.PROTECTED, bytes(p, 65)); return t.commit(); }
export function challenge(): i32 { return board.randomBytes(16).length; }
export function close(): void { scheduler!.cancel(0x68); }
export function operate(p: usize, n: i32): i32 {
  const s = store!;
  const c = s.countAttempt(0x0990);
  const k = s.getTyped(0x0980, ValueType.BYTES);
  const v = k === null ? -1 : board.ecdsaP256Verify(k, bytes(p, n), bytes(p + n, 64));
  s.put(0x0993, ValueType.BYTES, Attr.PROTECTED, bytes(p, 20));
  const back = s.getTyped(0x0993, ValueType.BYTES);
  scheduler!.after(0x68, 30000);
  return c + v + (back === null ? 0 : back.length) + s.resetCounter(0x0990);
}
export function revocations(p: usize, n: i32): i32 { return store!.put(0x0992, ValueType.BYTES, Attr.PROTECTED, bytes(p, n)); }
export function time(p: usize, n: i32): i32 { return store!.put(0x0991, ValueType.BYTES, Attr.PROTECTED, bytes(p, n)); }
export function ask(): i32 { return board.randomBytes(16).length; }
export function state(): i64 { return <i64>board.nowMs() + <i64>owner.n; }
