// A probe entry for scripts/module-size.ts: the same exports over the store and the
// scheduler alone (sealed and tagged records written in a transaction and read back, an
// attempt counter, a volatile UTC deadline, the board's ECDSA and SHA-256), so the
// difference to with-auth.ts is unique-info and auth-info themselves.
import "../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../board/entry";
import * as board from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { Attr, CredentialStore, ValueType, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { DeadlineOwner, Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { KEYS as UNIQUE_KEYS } from "../../unique-info/index";
import { KEYS as AUTH_KEYS } from "../ids";

class Owner extends DeadlineOwner { n: i32 = 0; onDeadline(name: u32, lateMs: i64): void { this.n++; } }
let store: CredentialStore | null = null;
let scheduler: Scheduler | null = null;

function bytes(p: usize, n: i32): Uint8Array { return Uint8Array.wrap(changetype<ArrayBuffer>(p), 0, n); }

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, UNIQUE_KEYS, AUTH_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  sch.register(0x60, new Owner());
  sch.boot();
  store = s; scheduler = sch;
  const a = s.getTyped(0x920, ValueType.BYTES);
  return a === null ? 0 : a.length;
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function receive(p: usize, n: i32, via: i32): i32 {
  const b = bytes(p, n);
  if (board.ecdsaP256Verify(b.subarray(0, 65), b, b.subarray(0, 64)) != 0) return -1;
  const t = store!.begin();
  t.put(0x920, ValueType.BYTES, Attr.SECRET, b);
  t.put(0x921, ValueType.BYTES, Attr.PROTECTED, b.subarray(0, 8));
  const rc = t.commit();
  scheduler!.atUtc(0x60, <i64>via, 0, 0);
  return rc;
}
export function check(kind: i32, p: usize, n: i32, via: i32): i32 {
  const n1 = store!.countAttempt(0x931);
  const v = store!.getTyped(0x920, ValueType.BYTES);
  return n1 + (v === null ? 0 : board.sha256(v)[0]) + kind + via;
}
export function maintenance(op: u32, p: usize): i32 { return store!.put(0x930, ValueType.BYTES, Attr.SECRET, bytes(p, 117)); }
export function state(): i64 { return <i64>store!.counter(0x931); }
export function change(item: i32, p: usize, n: i32): i32 { return store!.put(0x901 + item, ValueType.BYTES, Attr.SECRET, bytes(p, n)); }
export function remove(item: i32): i32 { return store!.erase(0x901 + item); }
export function install(item: i32, p: usize, n: i32): i32 { const t = store!.begin(); t.put(0x901 + item, ValueType.BYTES, Attr.PROTECTED, bytes(p, n)); return t.commit(); }
export function day(d: u32): i32 { return store!.put(0x902, ValueType.BYTES, Attr.SECRET, bytes(0, <i32>d)); }
export function read(item: i32, link: bool): i32 { const v = store!.getTyped(0x901 + item, ValueType.BYTES); return v === null ? store!.lastError : v.length; }
