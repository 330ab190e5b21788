// A probe entry for scripts/module-size.ts: the store, the scheduler, unique-info and
// auth-info, every call of both modules reachable from an export so that none of their
// code is left out. Both modules are measured together: the PCS uses them together.
import "../../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../../board/entry";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { UniqueInfo, KEYS as UNIQUE_KEYS } from "../../unique-info/index";
import { AuthEvents, AuthInfo, PartnerKey, KEYS as AUTH_KEYS } from "../index";

class Events extends AuthEvents {
  n: i32 = 0;
  onAuthEvent(event: i32, issuer: u32, serial: u32, via: i32, reason: i32): void { this.n += event; }
  onGrantClosed(): void { this.n++; }
}
class Partner extends PartnerKey {
  constructor(private u: UniqueInfo) { super(); }
  code(): u32 { return this.u.partnerCode(); }
  publicKey(): Uint8Array | null { return this.u.partnerPublicKey(); }
}

let store: CredentialStore | null = null;
let scheduler: Scheduler | null = null;
let unique: UniqueInfo | null = null;
let auth: AuthInfo | null = null;

function bytes(p: usize, n: i32): Uint8Array { return Uint8Array.wrap(changetype<ArrayBuffer>(p), 0, n); }

export function boot(): i32 {
  const s = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, UNIQUE_KEYS, AUTH_KEYS]));
  s.open();
  const sch = new Scheduler(0, s);
  const u = new UniqueInfo(s);
  const a = new AuthInfo(s, sch, new Partner(u), new Events());
  sch.boot();
  store = s; scheduler = sch; unique = u; auth = a;
  return u.boot() + a.boot();
}
export function timer(id: i32): i32 { return scheduler!.onTimer(id); }
export function receive(p: usize, n: i32, via: i32): i32 { return auth!.receive(bytes(p, n), via); }
export function check(kind: i32, p: usize, n: i32, via: i32): i32 { return auth!.check(kind, bytes(p, n), via); }
export function maintenance(op: u32, p: usize): i32 { return auth!.installMaintenance(op, bytes(p, 65), bytes(p + 65, 16), bytes(p + 81, 32)); }
export function state(): i64 {
  const a = auth!;
  a.touch();
  if (a.grant.isOpen() && a.grant.allows(2)) a.closeGrant();
  return a.expiresUtcMs() + <i64>(a.usesLeft() + a.triesLeft() + <i32>a.heldItems() + (a.held() ? 1 : 0)
    + (a.maintenanceLocked() ? 1 : 0) + (a.maintenanceInstalled() ? 1 : 0) + <i32>a.operatorCode() + a.grant.via + <i32>a.grant.issuer);
}
export function change(item: i32, p: usize, n: i32): i32 { return unique!.change(auth!.grant, item, bytes(p, n)); }
export function remove(item: i32): i32 { return unique!.delete(auth!.grant, item); }
export function install(item: i32, p: usize, n: i32): i32 { const t = store!.begin(); unique!.stageInstall(t, item, bytes(p, n)); return t.commit(); }
export function day(d: u32): i32 { return unique!.appendHistoryDay(d, 1, 2, 3); }
export function read(item: i32, link: bool): i32 {
  const u = unique!;
  const v = link ? u.readForLink(item) : u.read(item);
  const k = u.deviceKey();
  const pk = u.partnerPublicKey();
  const site = u.site();
  return (v === null ? u.lastError : v.length) + (k === null ? 0 : k.length) + (pk === null ? 0 : 1) + (site === null ? 0 : site.length)
    + <i32>u.capacity(1) + <i32>u.partnerCode() + <i32>u.tampered + (u.present(item) ? 1 : 0) + (u.installed() ? 1 : 0) + u.validate(item, bytes(0, 4));
}
