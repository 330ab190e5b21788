// The third-party booking app (firmware/images/lock/PROTOCOL.md §7): books slots through the
// booking service, keeps its bookings in its own storage and a log of what its user saw,
// and embeds the maker's SDK. The user's first operation on a booking asks the SDK to
// prepare it (the SDK fetches the grant into its own store); every operation then goes to
// the lock through the SDK. The app only ever holds tickets, ids, slots and results.
import { existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { BookingClient, type BookingSession } from "../../booking/client.ts";
import { AppStore, savedText } from "../app-store.ts";
import type { Booking, BookingGrantType, LocksResponse } from "../../booking/types.ts";
import type { LockAction, MakerSdk, OperateResult } from "../maker-sdk/index.ts";

export interface BookingAppOptions {
  /** The phone's owner ("alice"). */
  name: string;
  bookingUrl: string;
  ca: string;
  /** The app's own storage (never the SDK's). */
  storeDir: string;
  /** The maker's SDK, as the app embeds it. */
  sdk: MakerSdk;
}

export class BookingApp {
  /** What the app showed its user, newest last (also in its storage's app.log). */
  readonly log: string[] = [];
  private client: BookingClient | null = null;
  /** The account at the booking service, kept across runs (session.json, the owner's file
   *  alone): bookings kept in its storage stay this user's to cancel. */
  private readonly session: AppStore<{ session: BookingSession | null }>;

  constructor(private readonly o: BookingAppOptions) {
    mkdirSync(o.storeDir, { recursive: true });
    this.session = new AppStore(join(o.storeDir, "session.json"), (s) => ({ session: readSession(s.session) }));
    const kept = this.session.load().session;
    if (kept) this.client = BookingClient.resume(o.bookingUrl, o.ca, kept);
  }

  get user(): string | undefined { return this.client?.user; }

  /** A new account at the booking service. */
  async signUp(): Promise<string> {
    this.client = await BookingClient.signUp(this.o.bookingUrl, this.o.ca);
    this.session.save({ session: this.client.session });
    this.show(`signed up as ${this.client.user}`);
    return this.client.user;
  }

  /** The owner's app lists a lock it registered at the maker (its lockRef). */
  async listLock(lockRef: string, name: string): Promise<string> {
    const { lock } = await this.api().listLock(lockRef, name);
    this.show(`listed ${name} as ${lock}`);
    return lock;
  }

  locks(): Promise<LocksResponse> { return this.api().locks(); }

  /** Books `lock` from `start` to `end` (UTC ms); refused (409) when it overlaps a booking. */
  async book(lock: string, start: number, end: number, type?: BookingGrantType, timeoutS?: number): Promise<Booking> {
    const b = await this.api().book({ lock, start, end, ...(type ? { type } : {}), ...(timeoutS !== undefined ? { timeoutS } : {}) });
    this.save([...this.bookings().filter((x) => x.booking !== b.booking), b]);
    this.show(`booked ${b.booking}: ${iso(b.start)} to ${iso(b.end)}`);
    return b;
  }

  async cancel(booking: string): Promise<void> {
    await this.api().cancel(booking);
    this.save(this.bookings().filter((x) => x.booking !== booking));
    this.show(`cancelled ${booking}`);
  }

  /** The bookings in the app's storage. */
  bookings(): Booking[] {
    const f = join(this.o.storeDir, "bookings.json");
    return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as Booking[]) : [];
  }

  /** The user taps Unlock or Lock on a booking: the first time, the SDK prepares it. */
  async operate(booking: string, action: LockAction): Promise<OperateResult> {
    const b = this.bookings().find((x) => x.booking === booking);
    if (!b) throw new Error(`${this.o.name}'s app has no booking ${booking}`);
    if (!this.prepared().includes(b.booking)) {
      await this.o.sdk.prepare({ ticket: b.ticket, lock: b.lock });
      writeFileSync(join(this.o.storeDir, "prepared.json"), JSON.stringify([...this.prepared(), b.booking]));
      this.show(`the lock's maker prepared booking ${b.booking}`);
    }
    const r = await this.o.sdk.operate(b.lock, action);
    this.show(r.status === 0 ? `${action === "unlock" ? "Unlocked" : "Locked"}` : `${action} refused: ${r.reason} (status ${r.status})`);
    return r;
  }

  private prepared(): string[] {
    const f = join(this.o.storeDir, "prepared.json");
    return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as string[]) : [];
  }

  private save(list: Booking[]): void { writeFileSync(join(this.o.storeDir, "bookings.json"), JSON.stringify(list)); }

  private api(): BookingClient {
    if (!this.client) throw new Error(`${this.o.name}'s app has not signed up with the booking service`);
    return this.client;
  }

  private show(line: string): void {
    this.log.push(line);
    if (this.log.length > 100) this.log.splice(0, 50);
    appendFileSync(join(this.o.storeDir, "app.log"), `${line}\n`);
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

function readSession(v: unknown): BookingSession | null {
  if (v === null || typeof v !== "object") return null;
  const s = v as Record<string, unknown>;
  const user = savedText(s.user), token = savedText(s.token);
  return user && token ? { user, token } : null;
}
