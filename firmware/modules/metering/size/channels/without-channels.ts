// The probe without the metering module, as the power conditioner would have it: the same
// store and scheduler, and what the module does to them (three board channels measured, a
// plain chunk record read into a buffer and written, a protected lanes record, a
// two-record transaction, a UTC deadline) done directly, so that the difference is the
// module's own code.
import "../../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../../board/entry";
import * as board from "../../../../board/index";
import { RecordStore } from "../../../../storage/record-store";
import { Keyspace } from "../../../../storage/keyspace";
import { Attr, CredentialStore, ValueType, KEYS as CREDENTIAL_KEYS } from "../../../credential-store/index";
import { DeadlineOwner, Scheduler, KEYS as SCHEDULER_KEYS } from "../../../scheduler/index";
import { KEYS as METERING_KEYS } from "../../ids";

class Owner extends DeadlineOwner {
  fired: i32 = 0;
  onDeadline(name: u32, lateMs: i64): void { this.fired++; }
}

let store: CredentialStore | null = null;
let scheduler: Scheduler | null = null;
const buf = new Uint8Array(337);
const out = new Uint8Array(12);

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, METERING_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  sch.register(0x50, new Owner());
  sch.boot();
  store = s; scheduler = sch;
  return 0;
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function measure(at: i64): i32 {
  for (let c = 2; c <= 4; c++) board.measure(c, out);
  scheduler!.atUtc(0x50, at, 0, 0);
  const n = store!.readInto(0x0810, ValueType.BYTES, buf);
  const v = store!.getTyped(0x0800, ValueType.BYTES);
  if (v !== null) store!.put(0x0800, ValueType.BYTES, Attr.PROTECTED, v);
  return store!.put(0x0810, ValueType.BYTES, 0, n < 0 ? buf : buf.subarray(0, n));
}
export function both(): i32 {
  const t = store!.begin();
  t.put(0x0810, ValueType.BYTES, 0, buf);
  t.put(0x0800, ValueType.BYTES, Attr.PROTECTED, buf);
  return t.commit();
}
