// The lock maker's SDK, embedded in a booking app (firmware/images/lock/PROTOCOL.md §2, §7).
// Two calls: prepare(booking) fetches the grant for the booking's ticket into the SDK's own
// store, bound to the phone key that lives there too; operate(lock, action) goes to the lock
// over BLE (the secure session, CHALLENGE_REQUEST, OPERATE with the proof) and returns the
// lock's status and reason. Neither returns, logs or keeps in a reachable field a grant or
// a key: the state is in #private fields and in a directory the app is not given.
import { sign } from "node:crypto";
import { fetchGrant } from "./key-server.ts";
import { LockBleSession, type BlePort } from "./ble-session.ts";
import { ACTION_CODES, CHALLENGE_BYTES, LockBle, operateFields, proofMessage, readResult, type LockAction, type OperateResult } from "./frames.ts";
import { SdkStore, type StoredGrant } from "./store.ts";

export type { BlePort } from "./ble-session.ts";
export { LockRefused } from "./ble-session.ts";
export { KeyServerRefused } from "./key-server.ts";
export type { LockAction, OperateResult } from "./frames.ts";
export { LOCK_BLE_FRAME_NAMES, LOCK_BLE_LABEL } from "./frames.ts";

/** The booking as the app has it: the key server's ticket and the app's lock id. */
export interface SdkBooking { ticket: string; lock: string }

/** What prepare tells the app: the slot, never the grant. */
export interface PreparedSlot { lock: string; start: number; end: number }

export interface MakerSdkOptions {
  /** The SDK's own store (the app never gets this path from the SDK). */
  storeDir: string;
  /** The maker's key server and the CA its TLS certificate chains to. */
  keyServer: { url: string; ca: string };
  /** The phone's radio: a BLE link to the lock advertising `serial`. */
  ble: (serial: string) => BlePort;
  /** The phone's clock, to pick the grant whose slot is now (default Date.now). */
  now?: () => number;
  /** BLE answer timeout. */
  timeoutMs?: number;
}

export class MakerSdk {
  readonly #store: SdkStore;
  readonly #keyServer: { url: string; ca: string };
  readonly #ble: (serial: string) => BlePort;
  readonly #now: () => number;
  readonly #timeoutMs: number;

  constructor(o: MakerSdkOptions) {
    this.#store = new SdkStore(o.storeDir);
    this.#keyServer = { ...o.keyServer };
    this.#ble = o.ble;
    this.#now = o.now ?? Date.now;
    this.#timeoutMs = o.timeoutMs ?? 5000;
  }

  /** The user's first operation: the grant for this booking, bound to this phone's key,
   *  fetched into the SDK's store (again the same grant when asked twice). */
  async prepare(booking: SdkBooking): Promise<PreparedSlot> {
    if (!/^[0-9a-f]{32}$/.test(booking.ticket)) throw new RangeError("a ticket is 32 hex");
    const { publicKey } = this.#store.phoneKey();
    const g = await fetchGrant(this.#keyServer.url, this.#keyServer.ca, { ticket: booking.ticket, phoneKey: publicKey.toString("hex") });
    const bytes = Buffer.from(g.grant, "base64");
    // The grant ends with the phone key it is bound to, then the maker's signature.
    if (bytes.length < 3 + 129 || !bytes.subarray(bytes.length - 129, bytes.length - 64).equals(publicKey)) {
      throw new Error("the key server's grant is not bound to this phone's key");
    }
    this.#store.putGrant({ lock: booking.lock, ticket: booking.ticket, grantId: g.grantId, serial: g.serial, start: g.start, end: g.end, grant: g.grant });
    return { lock: booking.lock, start: g.start, end: g.end };
  }

  /** The second operation: `action` on the lock, with the grant prepared for it (the one
   *  whose slot is now, else the one prepared last: the lock says why it refuses). */
  async operate(lock: string, action: LockAction): Promise<OperateResult> {
    const code = ACTION_CODES[action];
    if (code === undefined) throw new RangeError("action: unlock or lock");
    const g = this.#grantFor(lock);
    if (!g) throw new Error("no grant prepared for this lock: prepare(booking) first");
    const session = new LockBleSession(this.#ble(g.serial), this.#timeoutMs);
    try {
      const serial = await session.open();
      if (serial !== g.serial) throw new Error(`the lock in range is ${serial}, not the booking's`);
      const challenge = await session.call(LockBle.CHALLENGE_REQUEST, new Uint8Array(0), LockBle.CHALLENGE, "the challenge request");
      if (challenge.length !== CHALLENGE_BYTES) throw new Error("the lock's CHALLENGE is malformed");
      const { privateKey } = this.#store.phoneKey();
      const proof = sign("sha256", proofMessage(g.serial, challenge, g.grantId, code), { key: privateKey, dsaEncoding: "ieee-p1363" });
      const body = await session.call(LockBle.OPERATE, operateFields(code, Buffer.from(g.grant, "base64"), proof), LockBle.RESULT, "the operation");
      return readResult(body);
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  #grantFor(lock: string): StoredGrant | undefined {
    const mine = this.#store.grants().filter((g) => g.lock === lock);
    const now = this.#now();
    return mine.find((g) => g.start <= now && now < g.end) ?? mine.at(-1);
  }
}
