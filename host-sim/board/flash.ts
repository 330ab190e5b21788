// NOR flash of a simulated board. The chip is the array in memory: every write and erase
// lands there before the call returns, so a simulated power cut leaves exactly what a real
// chip would hold, and the device powered on next (or a test reading snapshot()) sees it.
//
// The backing file is written in batches, not per operation: the pages an operation
// touched are written out at the next safe point, which is the end of the synchronous job
// the operation ran in (a microtask, so whatever awaits that job finds the file current),
// close() (power-off), process exit, or an explicit flush(). A fleet run whose tasks are
// synchronous thus writes each touched page once per run of the scheduler instead of once
// per operation. The file lags the chip only until that safe point: a device powered on
// again (after close(), or in a later job) reads it complete; only a crash of node itself
// (SIGKILL, or a signal without a handler: no exit event) in that window loses the tail.
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { E_RANGE, OK } from "./errors.ts";

export const FLASH_PAGE_SIZE = 4096;

/** Power failed inside flash operation `op` (1-based, counted since power-on). */
export class PowerCut extends Error {
  constructor(readonly op: number) {
    super(`power cut during flash operation ${op}`);
    this.name = "PowerCut";
  }
}

export interface FlashFault {
  /** The operation (write or erase, 1-based) during which power fails. */
  cutAt: number;
  /** How many bytes of that operation land before it does (default 0). */
  cutKeep?: number;
}

/** Flash with writes not yet in its file; written out if the process exits first. */
const unflushed = new Set<NorFlash>();
let exitHook = false;

export class NorFlash {
  readonly pages: number;
  readonly size: number;
  private readonly mem: Uint8Array;
  private fd: number;
  private opCount = 0;
  private readonly erases: number[];
  /** Bytes each operation touches, in order: the fault harness cuts part-way through them. */
  private readonly sizes: number[] = [];
  /** Per page, the byte range [lo, hi) changed since the last flush (lo = hi: clean). */
  private readonly dirtyLo: Int32Array;
  private readonly dirtyHi: Int32Array;
  private dirtyPages: number[] = [];
  private flushQueued = false;

  /** Opens `path`, creating it erased if missing. A shorter file is extended with 0xFF;
   *  bytes past pages*4096 in a longer file are left alone and unused. `path` null: the
   *  flash lives in memory only, erased (unit tests). */
  constructor(path: string | null, pages = 16, private readonly fault?: FlashFault) {
    this.pages = pages;
    this.size = pages * FLASH_PAGE_SIZE;
    this.mem = new Uint8Array(this.size).fill(0xff);
    this.erases = new Array(pages).fill(0);
    this.dirtyLo = new Int32Array(pages);
    this.dirtyHi = new Int32Array(pages);
    this.fd = -1;
    if (path === null) return;
    this.fd = openSync(path, existsSync(path) ? "r+" : "w+");
    const have = Math.min(fstatSync(this.fd).size, this.size);
    if (have > 0) readSync(this.fd, this.mem, 0, have, 0);
    if (have < this.size) writeSync(this.fd, this.mem, have, this.size - have, have);
  }

  get ops(): number { return this.opCount; }
  get erasesPerPage(): number[] { return this.erases.slice(); }
  get opSizes(): number[] { return this.sizes.slice(); }

  read(addr: number, into: Uint8Array): number {
    if (!this.inRange(addr, into.length)) return E_RANGE;
    into.set(this.mem.subarray(addr, addr + into.length));
    return OK;
  }

  /** NOR programming: each stored byte becomes old AND new. */
  write(addr: number, data: Uint8Array): number {
    if (!this.inRange(addr, data.length)) return E_RANGE;
    const keep = this.begin(data.length);
    const n = keep === undefined ? data.length : Math.min(keep, data.length);
    const mem = this.mem;
    for (let i = 0; i < n; i++) mem[addr + i] &= data[i];
    this.touched(addr, n);
    if (keep !== undefined) throw new PowerCut(this.opCount);
    return OK;
  }

  erase(page: number): number {
    if (!Number.isInteger(page) || page < 0 || page >= this.pages) return E_RANGE;
    const keep = this.begin(FLASH_PAGE_SIZE);
    this.erases[page]++;
    const addr = page * FLASH_PAGE_SIZE;
    const n = keep === undefined ? FLASH_PAGE_SIZE : Math.min(keep, FLASH_PAGE_SIZE);
    this.mem.fill(0xff, addr, addr + n);
    this.touched(addr, n);
    if (keep !== undefined) throw new PowerCut(this.opCount);
    return OK;
  }

  /** Overwrites bytes as a flash programmer would (not NOR semantics: bits may be set).
   *  Only for tests playing an attacker; no board import reaches it. Not an operation. */
  poke(addr: number, data: Uint8Array): number {
    if (!this.inRange(addr, data.length)) return E_RANGE;
    this.mem.set(data, addr);
    this.touched(addr, data.length);
    return OK;
  }

  /** A copy of the whole partition (for the controller's FLASH_READ and for tests). */
  snapshot(): Uint8Array { return this.mem.slice(); }

  /** Writes every page changed since the last flush to the file now. */
  flush(): void {
    unflushed.delete(this);
    if (this.fd < 0) { this.dirtyPages = []; return; }
    for (const p of this.dirtyPages) {
      const lo = this.dirtyLo[p], hi = this.dirtyHi[p];
      if (hi > lo) writeSync(this.fd, this.mem, lo, hi - lo, lo);
      this.dirtyLo[p] = this.dirtyHi[p] = 0;
    }
    this.dirtyPages = [];
  }

  /** Power-off: the file gets every byte written, then is closed. */
  close(): void {
    this.flush();
    if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; }
  }

  // Counts the operation; returns how many bytes may land if power fails during it.
  private begin(size: number): number | undefined {
    this.opCount++;
    this.sizes.push(size);
    if (this.fault && this.fault.cutAt === this.opCount) return Math.max(0, this.fault.cutKeep ?? 0);
    return undefined;
  }

  // Notes [addr, addr+len) for the next flush, as one byte range per page touched.
  private touched(addr: number, len: number): void {
    if (len <= 0 || this.fd < 0) return;
    const end = addr + len;
    for (let p = Math.floor(addr / FLASH_PAGE_SIZE); p * FLASH_PAGE_SIZE < end; p++) {
      const lo = Math.max(addr, p * FLASH_PAGE_SIZE), hi = Math.min(end, (p + 1) * FLASH_PAGE_SIZE);
      if (this.dirtyHi[p] === this.dirtyLo[p]) {
        this.dirtyPages.push(p);
        this.dirtyLo[p] = lo;
        this.dirtyHi[p] = hi;
      } else {
        if (lo < this.dirtyLo[p]) this.dirtyLo[p] = lo;
        if (hi > this.dirtyHi[p]) this.dirtyHi[p] = hi;
      }
    }
    unflushed.add(this);
    if (!this.flushQueued) {
      this.flushQueued = true;
      if (!exitHook) { exitHook = true; process.once("exit", () => { for (const f of [...unflushed]) f.flush(); }); }
      queueMicrotask(() => { this.flushQueued = false; this.flush(); });
    }
  }

  private inRange(addr: number, len: number): boolean {
    return Number.isInteger(addr) && addr >= 0 && len >= 0 && addr + len <= this.size;
  }
}
