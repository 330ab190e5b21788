// The lock's part of the home's screen: its panel, the booking apps' last lines, and what
// the key server holds for it (the revocation list's version, the event log's length).
import type { Home } from "./world.ts";
import { LOCK_SERIAL } from "../appliances/lock/index.ts";

export function lockTexts(home: Home): { title: string; text: string }[] {
  const lock = home.lock, ks = home.lockCloud;
  if (!lock || !ks) return [];
  const apps = ["owner", "alice", "bob"].map((n) => `${n}: ${(n === "owner" ? lock.ownerApp : lock.apps[n])?.log.at(-1) ?? "-"}`);
  let server = "(not started)";
  try {
    const k = ks.keyServer();
    server = `revocations v${k.revocationVersion(LOCK_SERIAL)}: ${k.revoked(LOCK_SERIAL).join(", ") || "none"}\n${k.events(LOCK_SERIAL).length} events in the log`;
  } catch { /* the cloud has not started the key server yet */ }
  return [
    { title: `Lock (${lock.device.o.host}, ${lock.online ? "online" : "offline"})`, text: lock.device.screen },
    { title: "Booking apps (maker SDK)", text: apps.join("\n") },
    { title: "Key server", text: server },
  ];
}
