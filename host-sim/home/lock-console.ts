// The home console's lock commands (issue 12): the owner's visit and tools, the lock's
// door, button and network, and the booking apps of alice and bob (each with the maker's
// SDK). Times are minutes from the lock's clock now.
//   install lock                                   the owner registers, installs and lists the lock
//   press lock owner | lock door <open|close> | lock <offline|online> | power lock
//   lock wait <seconds>                            the lock's clock moves (virtual clock)
//   <alice|bob> book <in-min> <minutes> [scheduled|disposable|expiring <timeout-s>]
//   <alice|bob> bookings | unlock [booking] | lock [booking] | cancel <booking>
//   owner events | owner revoke <grant id>
import type { Home } from "./world.ts";
import { LOCK_USERS } from "./home-lock.ts";
import { LOCK_SERIAL } from "../appliances/lock/index.ts";
import type { BookingGrantType } from "../booking/types.ts";

export const LOCK_HELP = `  install lock                                 the owner registers the lock with its maker, installs it and lists it with the booking service
  press lock owner | lock door <open|close>    the owner's button inside; the door
  lock offline | lock online | power lock      the lock's network goes or comes back; a power cut
  lock wait <seconds>                          the lock's clock moves on
  <alice|bob> book <in-min> <minutes> [scheduled|disposable|expiring <timeout-s>]   a booking (the booking app)
  <alice|bob> bookings | unlock [booking] | lock [booking] | cancel <booking>      the booking app (the maker SDK inside)
  owner events | owner revoke <grant id>       the lock's event log at the key server; a revocation`;

const at = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** Runs one lock command; the text to show, or undefined when `words` is not one. */
export async function lockCommand(home: Home, words: string[]): Promise<string | undefined> {
  const [who, verb, ...rest] = words;
  if (!home.lock) return undefined;
  const lock = home.lock;
  if (who === "install" && verb === "lock") return `the owner registered the lock as ${await lock.install()}; the booking service lists it as ${lock.listed}`;
  if (who === "press" && verb === "lock") {
    if (rest[0] !== "owner") throw new Error("press lock owner");
    await lock.pressOwner();
    return "";
  }
  if (who === "power" && verb === "lock") { await lock.powerCycle(); return ""; }
  if (who === "lock") {
    if (verb === "door" && (rest[0] === "open" || rest[0] === "close")) { await lock.door(rest[0] === "open"); return ""; }
    if (verb === "offline" || verb === "online") { lock.setOnline(verb === "online"); return ""; }
    if (verb === "wait") {
      const s = Number(rest[0]);
      if (!(s >= 0)) throw new Error("lock wait <seconds>");
      for (let left = s * 1000; left > 0; left -= 1000) { await lock.device.advance(Math.min(1000, left)); await new Promise((r) => setTimeout(r, 5)); }
      return `the lock's clock: ${at(lock.now())} UTC`;
    }
    throw new Error("lock door <open|close> | offline | online | wait <seconds>");
  }
  if (who === "owner") {
    if (verb === "events") return (await lock.owner.events(LOCK_SERIAL)).map((e) => `${e.seq} ${JSON.stringify(e)}`).join("\n") || "(no events)";
    if (verb === "revoke") return `revocation list v${(await lock.owner.revoke(LOCK_SERIAL, { grantId: Number(rest[0]) })).version}`;
    return undefined;
  }
  if (!(LOCK_USERS as readonly string[]).includes(who)) return undefined;
  const app = lock.apps[who];
  if (verb === "book") {
    const [inMin, minutes, type, timeout] = rest;
    // On whole seconds, from the second now is in: "book 0 5" covers now.
    const start = Math.floor(lock.now() / 1000) * 1000 + Number(inMin) * 60_000, end = start + Number(minutes) * 60_000;
    if (!(Number(minutes) > 0) || !(Number(inMin) >= 0)) throw new Error("<alice|bob> book <in-min> <minutes> [type [timeout-s]]");
    if (!app.user) await app.signUp();
    const b = await app.book(lock.listed ?? "", start, end, type as BookingGrantType | undefined, timeout ? Number(timeout) : undefined);
    return `${who}: booking ${b.booking} from ${at(b.start)} to ${at(b.end)} UTC`;
  }
  if (verb === "bookings") return app.bookings().map((b) => `${b.booking} ${at(b.start)} - ${at(b.end)}`).join("\n") || "(none)";
  if (verb === "cancel") { await app.cancel(rest[0] ?? ""); return ""; }
  if (verb === "unlock" || verb === "lock") {
    const now = lock.now(), mine = app.bookings();
    const b = rest[0] ? mine.find((x) => x.booking === rest[0]) : mine.find((x) => x.start <= now && now < x.end) ?? mine.at(-1);
    if (!b) throw new Error(`${who} has no booking`);
    const r = await app.operate(b.booking, verb);
    return `${who}: ${verb} -> ${r.status === 0 ? "granted" : `denied (${r.reason}, status ${r.status})`}; bolt ${r.bolt}`;
  }
  return undefined;
}
