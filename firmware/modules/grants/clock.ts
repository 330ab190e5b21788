// The lock's time (PROTOCOL.md §1.2): the key server's signed answer to a nonce the lock
// asked with, over the monotonic clock since it arrived. Unknown after every boot; an
// answer below the time floor (kept in flash) is refused, so nothing moves the clock back.
import * as board from "../../board/index";
import * as abi from "../../board/abi";
import { equalConstantTime, putU32LE } from "../../core/codecs/bytes";
import { OK, E_AUTH, E_MALFORMED } from "../../core/errors";
import { Attr, CredentialStore, ValueType } from "../credential-store/index";
import { Clock } from "../scheduler/index";
import { NONCE_LEN, SIG_LEN, TimeView, getI64, sameSerial } from "./blobs";
import { GrantsRecord } from "./ids";

export class LockClock {
  /** The maker key and this lock's serial (UTF-8): set by Grants. */
  key: Uint8Array | null = null;
  serial: Uint8Array = new Uint8Array(0);
  private baseUtc: i64 = -1;
  private baseMono: i64 = 0;
  private nonce: Uint8Array = new Uint8Array(NONCE_LEN);
  private asked: bool = false;
  private view: TimeView = new TimeView();
  private floorBuf: Uint8Array = new Uint8Array(8);

  constructor(private store: CredentialStore, private mono: Clock) {}

  known(): bool { return this.baseUtc >= 0; }
  /** The lock's time (UTC ms), -1 while unknown. */
  nowUtcMs(): i64 { return this.baseUtc < 0 ? -1 : this.baseUtc + (this.mono.nowMs() - this.baseMono); }

  /** A fresh nonce for `up/time`: the only one an answer is accepted for, once. */
  request(): Uint8Array {
    abi.random_fill(this.nonce.dataStart, NONCE_LEN);
    this.asked = true;
    const out = new Uint8Array(NONCE_LEN);
    out.set<Uint8Array>(this.nonce, 0);
    return out;
  }

  /** OK set (the floor written first); E_MALFORMED; E_AUTH a bad signature, another lock,
   *  not the nonce asked with last, below the floor, or no maker key; a store error. */
  receive(blob: Uint8Array): i32 {
    const v = this.view;
    if (!v.parse(blob)) return E_MALFORMED;
    const key = this.key;
    if (key === null) return E_AUTH;
    if (board.ecdsaP256Verify(key, blob.subarray(0, v.signatureAt), blob.subarray(v.signatureAt, v.signatureAt + SIG_LEN)) != OK) return E_AUTH;
    if (!sameSerial(blob, v.serialAt, v.serialEnd, this.serial)) return E_AUTH;
    if (!this.asked || !equalConstantTime(blob.subarray(v.nonceAt, v.nonceAt + NONCE_LEN), this.nonce)) return E_AUTH;
    if (v.utcMs < 0 || v.utcMs < this.floor()) return E_AUTH;
    putU32LE(this.floorBuf, 0, <u32>v.utcMs);
    putU32LE(this.floorBuf, 4, <u32>(v.utcMs >>> 32));
    const rc = this.store.put(GrantsRecord.TIME_FLOOR, ValueType.BYTES, Attr.PROTECTED, this.floorBuf);
    if (rc != OK) return rc;
    this.asked = false;
    this.baseUtc = v.utcMs;
    this.baseMono = this.mono.nowMs();
    return OK;
  }

  /** The floor held; a record that cannot be read is a floor nothing passes (fail closed). */
  floor(): i64 {
    if (!this.store.records.has(GrantsRecord.TIME_FLOOR)) return 0;
    const v = this.store.getTyped(GrantsRecord.TIME_FLOOR, ValueType.BYTES);
    if (v === null || v.length != 8) return i64.MAX_VALUE;
    return getI64(v, 0);
  }
}
