// The credential store's life on one device, as the devkit's service port sees it:
// provisioning, a tenant's registration, user data with secret and protected records,
// password checks, initialization when the tenant moves out, the next tenant, and a
// factory reset. Used by the cross-host scenario test and by the power-cut sweep.
import { Attr, ServiceOp, ValueType, putStringEntry, service } from "../service.ts";
import { boot, linkFrame } from "../../../scenario/steps.ts";
import type { Scenario, Step } from "../../../scenario/types.ts";
import { LinkId } from "../../../device/types.ts";

const OK = 0, E_AUTH = -6, E_NOTFOUND = -5, E_MALFORMED = -10, E_INVAL = -1;

export interface StoreOp {
  label: string;
  frame: Uint8Array;
  /** Expected answer status. */
  status: number;
  /** A secret this op writes (UTF-8): never found in flash unless it is live. */
  writes?: string;
  /** Secrets this op erases: none of their bytes may remain in flash afterwards. */
  erases?: string[];
  /** The op changes several records but must look atomic after any power cut. */
  atomic?: boolean;
  /** Values (record id -> record bytes, hex) a cut may durably leave part-way through the
   *  op, by design: a password check counts the attempt before comparing. */
  interim?: Record<number, string>;
}

// Secrets share no 6-byte run with each other or with anything else the scenario
// stores, so a fragment found in flash can only come from that secret.
export const TENANT_A_PASSWORD = "Kq7vR2mpLx9Zs4";
export const TENANT_B_PASSWORD = "wT4hN8ceJ3sYb6";
export const OWNER_NAME = "Owner: Hanako Yamada, 3-1 Kita";

export const credentialStoreOps: StoreOp[] = [
  { label: "provision factory identity", frame: service.provision("SN-DEVKIT-0001"), status: OK },
  { label: "store a user setting", frame: service.putString(0x0301, "bath 41C"), status: OK },
  { label: "tenant A registers", frame: service.setRegistration("6f1c2a4e-0b7d-4c55-9e3a-1d2f3a4b5c6d", TENANT_A_PASSWORD), status: OK, writes: TENANT_A_PASSWORD },
  { label: "store the owner's name as a secret", frame: service.putString(0x0311, OWNER_NAME, Attr.SECRET), status: OK, writes: OWNER_NAME },
  { label: "store a protected record", frame: service.putString(0x0320, "site 4711, PV 5.5 kW", Attr.PROTECTED), status: OK },
  { label: "a wrong password is counted", frame: service.verify("not-the-password"), status: E_AUTH },
  { label: "the right password resets the count", frame: service.verify(TENANT_A_PASSWORD), status: OK,
    interim: { 0x0202: "040002000000" } },
  { label: "count an attempt", frame: service.countAttempt(0x0330), status: OK },
  { label: "update the user setting", frame: service.putString(0x0301, "bath 42C"), status: OK },
  { label: "tenant A moves out: initialization", frame: service.initialize(), status: OK, erases: [TENANT_A_PASSWORD], atomic: true },
  { label: "tenant B registers", frame: service.setRegistration("0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d", TENANT_B_PASSWORD), status: OK, writes: TENANT_B_PASSWORD },
  { label: "erase the owner's name", frame: service.erase(0x0311), status: OK, erases: [OWNER_NAME] },
  { label: "factory reset", frame: service.factoryReset(), status: OK, erases: [TENANT_B_PASSWORD], atomic: true },
  { label: "user data is gone", frame: service.get(0x0301), status: E_NOTFOUND },
];

/** The same life as a scenario, with a power cycle in the middle and the answers checked. */
export function credentialStoreScenario(): Scenario {
  const steps: Step[] = [boot({ result: OK })];
  credentialStoreOps.forEach((op, i) => {
    if (i === 7) steps.push(boot({ result: OK }, "power cycle"));
    steps.push(linkFrame(LinkId.SERVICE, op.frame, { result: op.status }, op.label));
  });
  steps.push(linkFrame(LinkId.SERVICE, Uint8Array.of(ServiceOp.GET, 0, 1), { result: E_MALFORMED }, "a truncated frame is refused"));
  steps.push(linkFrame(LinkId.SERVICE, service.putString(0x0101, "SN-FORGED"), { result: E_INVAL }, "factory identity cannot be rewritten"));
  return { name: "credential store life", image: "devkit", seed: 1, steps };
}

/** Enough large updates to make a 3-page partition collect pages again and again, with a
 *  secret rotated through it, so power cuts land inside page collection too. */
export function collectionOps(): StoreOp[] {
  const ops: StoreOp[] = [
    { label: "provision factory identity", frame: service.provision("SN-DEVKIT-0002"), status: OK },
    { label: "tenant registers", frame: service.setRegistration("5d4c3b2a-1908-4f7e-8d6c-5b4a39281706", TENANT_A_PASSWORD), status: OK, writes: TENANT_A_PASSWORD },
  ];
  for (let i = 0; i < 40; i++) {
    ops.push({ label: `usage history block ${i}`, frame: service.putString(0x0340 + (i % 3), `history ${i} `.padEnd(300, String.fromCharCode(97 + (i % 26)))), status: OK });
  }
  ops.push({ label: "tenant moves out", frame: service.initialize(), status: OK, erases: [TENANT_A_PASSWORD], atomic: true });
  for (let i = 40; i < 70; i++) {
    ops.push({ label: `usage history block ${i}`, frame: service.putString(0x0340 + (i % 3), `history ${i} `.padEnd(300, String.fromCharCode(97 + (i % 26)))), status: OK });
  }
  return ops;
}

const u32le = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
/** A table larger than 512 bytes (a smart meter's contract table): 64 rows of 14 bytes. */
export function contractTable(version: number): Uint8Array {
  const t = new Uint8Array(64 * 14);
  for (let r = 0; r < 64; r++) for (let c = 0; c < 14; c++) t[r * 14 + c] = (version * 31 + r * 7 + c) & 0xff;
  return t;
}

/** Several records changed at once (a setting with its floor, a secret, a protected
 *  record, a table over 512 bytes): each transaction must be all-or-nothing after any cut. */
export const transactionOps: StoreOp[] = [
  { label: "provision factory identity", frame: service.provision("SN-DEVKIT-0003"), status: OK },
  { label: "store a user setting", frame: service.putString(0x0301, "bath 41C"), status: OK },
  { label: "setting, floor, owner's name (secret) and site (protected) in one transaction", status: OK, atomic: true, writes: OWNER_NAME,
    frame: service.transaction([
      putStringEntry(0x0301, "bath 42C"),
      { id: 0x0302, type: ValueType.U32, value: u32le(17) },
      putStringEntry(0x0311, OWNER_NAME, Attr.SECRET),
      putStringEntry(0x0320, "site 4711, PV 5.5 kW", Attr.PROTECTED),
    ]) },
  { label: "a contract table over 512 bytes and its version in one transaction", status: OK, atomic: true,
    frame: service.transaction([
      { id: 0x0350, type: ValueType.BYTES, value: contractTable(1) },
      { id: 0x0302, type: ValueType.U32, value: u32le(18) },
    ]) },
  { label: "replace the table on its own (one record over 512 bytes)", frame: service.put(0x0350, ValueType.BYTES, 0, contractTable(2)), status: OK },
  { label: "erase the owner's name, change setting and floor in one transaction", status: OK, atomic: true, erases: [OWNER_NAME],
    frame: service.transaction([
      { id: 0x0311, erase: true },
      putStringEntry(0x0301, "bath 40C"),
      { id: 0x0302, type: ValueType.U32, value: u32le(19) },
    ]) },
  { label: "a transaction with a factory record is refused whole", status: E_INVAL,
    frame: service.transaction([putStringEntry(0x0301, "bath 39C"), putStringEntry(0x0101, "SN-FORGED")]) },
  { label: "the setting is unchanged", frame: service.get(0x0301), status: OK },
];

/** Transactions in a 3-page partition, so that page collection runs between (and power
 *  cuts land around) transactions again and again. */
export function transactionCollectionOps(): StoreOp[] {
  const ops: StoreOp[] = [{ label: "provision factory identity", frame: service.provision("SN-DEVKIT-0004"), status: OK }];
  for (let i = 0; i < 24; i++) {
    ops.push({ label: `table ${i} and its version`, status: OK, atomic: true,
      frame: service.transaction([
        { id: 0x0350, type: ValueType.BYTES, value: contractTable(i) },
        { id: 0x0302, type: ValueType.U32, value: u32le(i) },
        putStringEntry(0x0303 + (i % 3), `history ${i} `.padEnd(80, String.fromCharCode(97 + (i % 26)))),
      ]) });
  }
  return ops;
}
