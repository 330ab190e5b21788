// NOR flash backed by a file. Every write and erase reaches the file before the call
// returns, so after a (simulated) power cut the file is exactly what a real chip would
// hold, and the next power-on (of either host) starts from it.
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

export class NorFlash {
  readonly pages: number;
  readonly size: number;
  private readonly mem: Uint8Array;
  private fd: number;
  private opCount = 0;
  private readonly erases: number[];
  /** Bytes each operation touches, in order: the fault harness cuts part-way through them. */
  private readonly sizes: number[] = [];

  /** Opens `path`, creating it erased if missing. A shorter file is extended with 0xFF;
   *  bytes past pages*4096 in a longer file are left alone and unused. */
  constructor(path: string, pages = 16, private readonly fault?: FlashFault) {
    this.pages = pages;
    this.size = pages * FLASH_PAGE_SIZE;
    this.mem = new Uint8Array(this.size).fill(0xff);
    this.erases = new Array(pages).fill(0);
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
    for (let i = 0; i < n; i++) this.mem[addr + i] &= data[i];
    this.persist(addr, n);
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
    this.persist(addr, n);
    if (keep !== undefined) throw new PowerCut(this.opCount);
    return OK;
  }

  /** A copy of the whole partition (for the controller's FLASH_READ and for tests). */
  snapshot(): Uint8Array { return this.mem.slice(); }

  close(): void {
    if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; }
  }

  // Counts the operation; returns how many bytes may land if power fails during it.
  private begin(size: number): number | undefined {
    this.opCount++;
    this.sizes.push(size);
    if (this.fault && this.fault.cutAt === this.opCount) return Math.max(0, this.fault.cutKeep ?? 0);
    return undefined;
  }

  private persist(addr: number, len: number): void {
    if (len > 0) writeSync(this.fd, this.mem, addr, len, addr);
  }

  private inRange(addr: number, len: number): boolean {
    return Number.isInteger(addr) && addr >= 0 && len >= 0 && addr + len <= this.size;
  }
}
