// The home console's power-conditioner commands (issue 11): the factory's and the
// partner's installer's visits, the PCS's panel, the people's phones (alice the resident,
// worker the operator's dispatched worker) with their cloud requests, mailboxes and the
// BLE app, and the partners' servers.
//   install pcs                                 Sunlease PPS's installer (PROTOCOL.md §5, §7)
//   press pcs <0-9|ok|back|menu|up|down> [...]  the panel
//   pcs code <digits> | pcs maintenance | pcs ble   the panel's code entry, the worker's sheet (from its mailbox), the BLE window
//   pcs set site <digits> | pcs set capacities <pvW> <batWh> <evWh> | pcs delete <item>   on the change screen
//   <alice|worker> request <item...|all>        asks its issuer (alice: the partner in effect; worker: the operator)
//   <alice|worker> inbox                        the mailbox: the credential is there and only there
//   <alice|worker> ble connect | code [digits] | read <item> | change <item> <value> | delete <item> | close
//   alice enrol hikari                          ownership passes: Hikari Energy issues a new connection
//   worker visit | worker leave                 the worker comes to the house (BLE range) or goes
//   partner <sunlease|hikari> readings          what a partner received
//   power pcs
import type { Home } from "./world.ts";
import { ALICE_MAIL, WORKER_MAIL } from "./world.ts";
import { PANEL_BUTTONS, PCS_SERIAL } from "../appliances/power-conditioner/panel.ts";
import { buttonsToPress } from "./press-check.ts";
import { CredentialKind } from "../appliances/power-conditioner/ble.ts";
import { ALL_ITEMS, ITEM_NAMES, Item, itemNamed, encodeCapacities, encodeConnection, encodePersonal, encodeSite, showItem } from "../appliances/power-conditioner/items.ts";
import { maintenanceCode, newestCredential } from "../phone/pcs-mail.ts";
import { HIKARI_ENERGY, PCS_OPERATOR, SUNLEASE_PPS, type ConnectionFields } from "../appliances/power-conditioner/cloud/types.ts";

export const PCS_HELP = `  install pcs                                  Sunlease PPS's installer: registers the power conditioner and installs it
  press pcs <${Object.keys(PANEL_BUTTONS).join("|")}> [...]   the power conditioner's panel
  pcs code <digits> | pcs maintenance | pcs ble   a credential on the panel, the worker's sheet, the phone's BLE window
  pcs set site <digits> | pcs set capacities <pvW> <batteryWh> <evWh> | pcs delete <item>   on the change screen
  <alice|worker> request <item...|all>         ask for authentication information (alice: the partner; worker: the operator)
  <alice|worker> inbox                         the person's e-mail / SMS
  <alice|worker> ble connect | code [digits] | read <item> | change <item> <value> | delete <item> | close
                                               the app over BLE (code without digits: the newest in the inbox)
  alice enrol hikari                           ownership passes: Hikari Energy issues a new connection (then: alice ble change connection enrolled)
  worker visit | worker leave                  the worker comes to the house or goes
  partner <sunlease|hikari> readings           what a partner received
  power pcs                                    power cut and restart of the power conditioner
  (items: ${ITEM_NAMES.join(" ")})`;

const PARTNERS: Record<string, number> = { sunlease: SUNLEASE_PPS, hikari: HIKARI_ENERGY, d101: SUNLEASE_PPS, d202: HIKARI_ENERGY };
const MAILBOX: Record<string, string> = { alice: ALICE_MAIL, worker: WORKER_MAIL };

/** What `alice enrol` got: the new partner's connection, until it is written. */
const enrolled = new WeakMap<Home, ConnectionFields>();

function partnerNamed(word: string | undefined): number {
  const c = PARTNERS[(word ?? "").toLowerCase()];
  if (c === undefined) throw new Error(`no partner "${word}"; partners: sunlease, hikari`);
  return c;
}

/** The bits of `words` (item names, or "all"). */
function itemBits(words: string[]): number {
  if (words.length === 0 || words.includes("all")) return ALL_ITEMS;
  return words.reduce((b, w) => b | (1 << itemNamed(w)), 0);
}

/** A value typed on the console, as the item's bytes (§1). */
function valueOf(home: Home, item: number, words: string[]): Uint8Array {
  switch (item) {
    case Item.PERSONAL: {
      const [name, address] = words.join(" ").split(",").map((x) => x.trim());
      if (!name || !address) throw new Error("personal: <name>, <address>");
      return encodePersonal({ name, address });
    }
    case Item.SITE: return encodeSite(words[0] ?? "");
    case Item.CAPACITIES: {
      const [pvW, batteryWh, evWh] = words.map(Number);
      return encodeCapacities({ pvW, batteryWh, evWh });
    }
    case Item.CONNECTION: {
      const c = enrolled.get(home);
      if (words[0] !== "enrolled" || !c) throw new Error("connection: `enrolled`, after `alice enrol <partner>`");
      return encodeConnection({ partner: c.partner, publicKey: Buffer.from(c.partnerPublicKey, "hex"), deviceKey: Buffer.from(c.deviceKey, "hex") });
    }
    default: throw new Error(`${ITEM_NAMES[item]} is not changed by hand (delete it instead)`);
  }
}

const selected = (screen: string) => screen.split("\n").find((l) => l.trimStart().startsWith(">")) ?? "";

/** Presses DOWN until the selected row names `label`, then OK. */
async function choose(home: Home, label: string): Promise<void> {
  const d = home.requirePcs().device;
  for (let i = 0; i < 8 && !selected(d.screen).includes(label); i++) await d.press(PANEL_BUTTONS.down);
  if (!selected(d.screen).includes(label)) throw new Error(`the panel offers no "${label}" here`);
  await d.press(PANEL_BUTTONS.ok);
}

/** MENU (from the main screen), then the entry naming `label`. */
async function menu(home: Home, label: string): Promise<void> {
  const d = home.requirePcs().device;
  for (let i = 0; i < 3 && !selected(d.screen); i++) await d.press(PANEL_BUTTONS.menu);
  await choose(home, label);
}

async function typeDigits(home: Home, digits: string): Promise<void> {
  if (!/^\d+$/.test(digits)) throw new Error("the panel types digits only");
  for (const c of digits) await home.requirePcs().device.press(Number(c));
}

const PANEL_ROWS = ["Personal data", "Usage history", "Site id", "Capacities", "Partner connection"];

/** Runs one power-conditioner command; the text to show, or undefined when `words` is not one. */
export async function pcsCommand(home: Home, words: string[]): Promise<string | undefined> {
  const [who, verb, ...rest] = words;
  if (who === "install" && verb === "pcs") {
    const id = await home.installPcs(...(rest[0] ? [rest[0]] : []));
    return `Sunlease PPS's installer registered the power conditioner as ${id} and installed it (alice is its contact)`;
  }
  if (who === "press" && verb === "pcs") {
    const d = home.requirePcs().device;
    for (const b of buttonsToPress(rest, PANEL_BUTTONS, "power conditioner's panel", "press pcs")) await d.press(b);
    return "";
  }
  if (who === "pcs") {
    const d = home.requirePcs().device;
    if (verb === "code" || verb === "maintenance") {
      const digits = verb === "code" ? rest[0] ?? "" : await maintenanceCode(home.pcsClouds.worker, WORKER_MAIL);
      if (!digits) throw new Error(verb === "code" ? "pcs code <digits>" : "no maintenance sheet in the worker's mailbox (the factory makes it at the first power-on)");
      await menu(home, verb === "code" ? "Change data" : "Maintenance");
      await typeDigits(home, digits);
      await d.press(PANEL_BUTTONS.ok);
      return "";
    }
    if (verb === "ble") { await menu(home, "Phone (BLE)"); return ""; }
    if (verb === "set" && rest[0] === "site") {
      await choose(home, "Site id"); await choose(home, "New value");
      await typeDigits(home, rest[1] ?? ""); await d.press(PANEL_BUTTONS.ok);
      return "";
    }
    if (verb === "set" && rest[0] === "capacities") {
      if (rest.length !== 4) throw new Error("pcs set capacities <pvW> <batteryWh> <evWh>");
      await choose(home, "Capacities"); await choose(home, "New value");
      for (const v of rest.slice(1)) { await typeDigits(home, v); await d.press(PANEL_BUTTONS.ok); }
      return "";
    }
    if (verb === "delete") {
      await choose(home, PANEL_ROWS[itemNamed(rest[0] ?? "")]); await choose(home, "Delete");
      return "";
    }
    throw new Error("pcs code <digits> | maintenance | ble | set site <digits> | set capacities <pv> <bat> <ev> | delete <item>");
  }
  if (who === "partner" && verb === "readings") throw new Error("partner <sunlease|hikari> readings");
  if (who === "partner") {
    const c = home.pcsCloud?.partner(partnerNamed(verb));
    if (!c) throw new Error("this home has no power conditioner");
    const got = c.readings(PCS_SERIAL);
    return got.map((r) => `rseq ${r.rseq} t ${new Date(r.t).toISOString().slice(11, 16)} PV ${r.pv} Wh charge ${r.ch} Wh discharge ${r.dis} Wh site ${r.site} cap ${r.cpv}/${r.cbat}/${r.cev}`).join("\n") || "(no readings)";
  }
  if (who === "worker" && (verb === "visit" || verb === "leave")) {
    home.air.phone("worker").setAtHome(verb === "visit");
    home.note("HOME", verb === "visit" ? "the worker arrives at the house" : "the worker leaves");
    return "";
  }
  if (who !== "alice" && who !== "worker") return undefined;
  const api = home.pcsClouds[who];
  if (!api && ["request", "inbox", "ble", "enrol"].includes(verb)) throw new Error("this home has no power conditioner");
  if (verb === "request") {
    const issuer = who === "worker" ? PCS_OPERATOR : (home.pcsDeviceId ? home.pcsCloud!.relay().partnerOf(home.pcsDeviceId) : 0) || SUNLEASE_PPS;
    const r = await api.requestAuth(PCS_SERIAL, { issuer, items: itemBits(rest), to: MAILBOX[who] });
    return `${who}: ${issuer.toString(16).toUpperCase()} made authentication information ${r.authSerial} (command ${r.cmd}); the code goes to ${MAILBOX[who]}`;
  }
  if (verb === "inbox") {
    const box = await api.messages(MAILBOX[who]);
    return box.map((m) => `${new Date(m.time).toISOString().slice(11, 19)} ${m.channel} from ${m.from}: ${m.text}`).join("\n") || "(empty)";
  }
  if (verb === "enrol") {
    const code = partnerNamed(rest[0]);
    const c = await api.enrol(code, PCS_SERIAL, MAILBOX[who]);
    enrolled.set(home, c);
    return `${who}: ${code.toString(16).toUpperCase()} issued a new connection for ${PCS_SERIAL}; write it with \`${who} ble change connection enrolled\``;
  }
  if (verb === "ble") {
    const app = home.pcsApps[who];
    const [op, a, ...more] = rest;
    if (op === "connect") return `${who}'s app: code ${await app.connect()} (compared with the panel)`;
    if (op === "code") {
      const digits = a ?? await newestCredential(api, MAILBOX[who]);
      if (!digits) throw new Error(`no code in ${MAILBOX[who]}`);
      const r = await app.auth(digits.length === 12 ? CredentialKind.MAINTENANCE : CredentialKind.SERVER, digits);
      return `${who}'s app: status ${r.status}, ${r.usesLeft} uses left, ${r.triesLeft} tries left`;
    }
    if (op === "read") { const r = await app.read(itemNamed(a ?? "")); return r.status === 0 ? showItem(r.item, r.value) : `status ${r.status}`; }
    if (op === "change") { const item = itemNamed(a ?? ""); return `status ${(await app.change(item, valueOf(home, item, more))).status}`; }
    if (op === "delete") return `status ${(await app.delete(itemNamed(a ?? ""))).status}`;
    if (op === "close") { await app.close(); return ""; }
    throw new Error(`${who} ble connect | code [digits] | read <item> | change <item> <value> | delete <item> | close`);
  }
  return undefined;
}
