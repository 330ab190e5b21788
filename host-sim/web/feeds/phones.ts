// The people's phones: each one's screens (the maker's app, and the printer's, the power
// conditioner's and the booking apps where the home has those appliances), whether it is
// at home, and the actions its owner can take, each a console command. A phone shows the
// apps and actions of the appliances the home runs, and only a person with one of those
// has a phone here: an `--image` home alone has none (the image is driven from its panel),
// and a home without the water heater offers no "register heater". Apps change their
// screens without an event of their own: the feed looks again whenever something happened
// in the home (HomeChanges) and pushes the phones that changed.
import type { Home } from "../../home/world.ts";
import type { Feed, PhoneView, ServerMessage } from "../messages.ts";
import { changesOf, LastSent } from "./changes.ts";

function screens(home: Home, name: string): string[] {
  const out: string[] = [];
  if ((name === "alice" || name === "bob") && home.heater) out.push(home[name].screen);
  const printer = home.printerApps[name];
  if (printer) out.push(printer.manage.screen, printer.print.screen);
  const pcs = home.pcsApps[name];
  if (pcs) out.push(`PCS app (${name})\n${pcs.screen.at(-1) ?? "-"}`);
  const lock = home.lock;
  const booking = lock && (name === "owner" ? lock.ownerApp : lock.apps[name]);
  if (booking) out.push(`Booking app (${name})\n${booking.log.at(-1) ?? "-"}`);
  return out;
}

function actions(home: Home, name: string, atHome: boolean): PhoneView["actions"] {
  const a: PhoneView["actions"] = [];
  const tenant = name === "alice" || name === "bob";
  if (tenant && home.heater) a.push({ label: "register heater", command: `${name} register` });
  if (tenant) a.push({ label: atHome ? "leave home" : "come home", command: `${name} ${atHome ? "leave" : "home"}` });
  if (tenant && home.printer) a.push({ label: "tap printer (NFC)", command: `${name} tap printer` }, { label: "tap printer (BLE)", command: `${name} tap printer ble` }, { label: "print 1 page", command: `${name} print 1` });
  if (home.pcs && (name === "alice" || name === "worker")) a.push({ label: "BLE connect", command: `${name} ble connect` }, { label: "BLE code", command: `${name} ble code` }, { label: "inbox", command: `${name} inbox` });
  if (name === "worker") a.push({ label: atHome ? "leave" : "visit", command: `worker ${atHome ? "leave" : "visit"}` });
  if (home.lock && tenant) a.push({ label: "book now (30 min)", command: `${name} book 0 30` }, { label: "unlock", command: `${name} unlock` }, { label: "lock", command: `${name} lock` });
  if (home.lock && name === "owner") a.push({ label: "events", command: "owner events" });
  return a;
}

/** The people with an app for an appliance the home runs: the tenants for the heater, the
 *  printer and the lock's bookings (Alice also for the power conditioner), the lock's owner,
 *  the power conditioner's worker. */
export function phoneNames(home: Home): string[] {
  const tenants = !!(home.heater || home.printer || home.lock);
  return [
    ...(tenants || home.pcs ? ["alice"] : []), ...(tenants ? ["bob"] : []),
    ...(home.lock ? ["owner"] : []), ...(home.pcs ? ["worker"] : []),
  ];
}

export function phonesFeed(home: Home): Feed {
  const names = phoneNames(home);
  const sent = new LastSent<PhoneView>();
  const view = (name: string): PhoneView => {
    // The tenants' home is the router's network (the heater's LAN); the others', the air's range.
    const atHome = name === "alice" || name === "bob" ? home.router.isAtHome(name) : home.air.phone(name).atHome;
    return { name, screen: screens(home, name).join("\n\n"), atHome, actions: actions(home, name, atHome) };
  };
  return {
    attach(push: (m: ServerMessage) => void) {
      changesOf(home).on(() => { for (const n of names) { const v = view(n); if (sent.changed(n, v)) push({ t: "phone", phone: v }); } });
    },
    initial: () => names.map((n) => { const v = view(n); sent.changed(n, v); return { t: "phone", phone: v } as const; }),
  };
}
