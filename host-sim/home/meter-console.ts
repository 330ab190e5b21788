// The home console's meter commands (issue 10): the card reader, the meter's panel, the
// companies' own actions, the customer's phone ordering a switch, and the HEMS.
//   install meter [meter code]             the utility installer's visit (PROTOCOL.md §2)
//   card insert <1..3> <company> [types]   a company's card (types: a forged card's claim)
//   card remove <1..3>
//   press meter <select1..3|settime|up|down|ok|back|reconnect|menu> [...]
//   company <name> switch [at] | confirm | abolish [at] | moveout | read
//   <alice|bob> meter switch <company> [at] | notices
//   hems read
// A company is named by its code (a001) or a word of its name (kanto, green, data); `at`
// is +<minutes>m from the meter's clock, an ISO time, or absent (at once).
import type { Home } from "./world.ts";
import type { MakerApp } from "../phone/app.ts";
import { CardRole, encodeCard } from "../card/index.ts";
import { showMeter } from "../echonet/index.ts";
import { PANEL_BUTTONS } from "../appliances/meter/panel.ts";
import { buttonsToPress } from "./press-check.ts";
import { IMMEDIATE, type CompanyServer, type MeterNoticesResponse, type SwitchOrderRequest, type SwitchOrderResponse } from "../appliances/meter/cloud/index.ts";
import { METER_SERIAL } from "../appliances/meter/panel.ts";

export const METER_HELP = `  install meter [code]                         the utility's installer: registers the meter at the head-end and installs it
  card insert <1..3> <company> [types]          an IC card into the meter's slot (types: what a forged card claims)
  card remove <1..3>
  press meter <${Object.keys(PANEL_BUTTONS).join("|")}> [...]
  company <kanto|green|data> switch [at] | confirm | abolish [at] | moveout | read
  <alice|bob> meter switch <company> [at] | notices   the customer's phone, through the company (third embodiment)
  hems read                                    the HEMS finds the meter on the LAN and reads E7/E0/EA/E2
  power meter                                  power cut and restart of the meter
  (at: +<minutes>m on the meter's clock, or an ISO time; absent: at once)`;

/** The company a console word names. */
export function companyNamed(home: Home, word: string): CompanyServer {
  const cloud = home.meterCloud;
  if (!cloud) throw new Error("this home has no meter");
  const w = word.toLowerCase();
  const c = cloud.companies.find((x) => x.code.toString(16) === w.replace(/^0x/, "") || x.name.toLowerCase().split(/\W+/).includes(w));
  if (!c) throw new Error(`no company "${word}"; companies: ${cloud.companies.map((x) => `${x.name} (${x.code.toString(16)})`).join(", ")}`);
  return c;
}

/** A switching time: +Nm from the meter's clock, an ISO date-time, or at once. */
export function switchingTime(home: Home, text: string | undefined): number {
  if (text === undefined) return IMMEDIATE;
  const rel = /^\+(\d+)m$/.exec(text);
  if (rel) return home.meterWallMs() + Number(rel[1]) * 60_000;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`not a time: ${text} (+<minutes>m or an ISO time)`);
  return t;
}

const slotOf = (word: string | undefined) => {
  const n = Number(word);
  if (!Number.isInteger(n) || n < 1 || n > 3) throw new Error("a card slot is 1, 2 or 3");
  return n - 1;
};

/** Runs one meter command; the text to show, or undefined when `words` is not one. */
export async function meterCommand(home: Home, words: string[]): Promise<string | undefined> {
  const [who, verb, ...rest] = words;
  if (who === "install" && verb === "meter") {
    const id = await home.installMeter(...(rest[0] ? [rest[0]] : []));
    return `the installer registered the meter as ${id} and installed it (alice and bob are its residents)`;
  }
  if (who === "card") {
    const meter = home.requireMeter();
    if (verb === "insert") {
      const c = companyNamed(home, rest[1] ?? "");
      const types = rest[2] === undefined ? c.types : Number(rest[2]);
      await meter.cards.insert(slotOf(rest[0]), encodeCard({ role: c.role === "contract" ? CardRole.CONTRACT : CardRole.PROVISION, company: c.code, types }));
      home.note("HOME", `${c.name}'s card into slot ${rest[0]}${rest[2] === undefined ? "" : ` (claiming types ${types})`}`);
      return "";
    }
    if (verb === "remove") { await meter.cards.remove(slotOf(rest[0])); home.note("HOME", `card out of slot ${rest[0]}`); return ""; }
    throw new Error("card insert <slot> <company> [types] | card remove <slot>");
  }
  if (who === "press" && verb === "meter") {
    const meter = home.requireMeter();
    for (const b of buttonsToPress(rest, PANEL_BUTTONS, "meter's panel", "press meter")) await meter.device.press(b);
    await meter.cards.settled();
    return "";
  }
  if (who === "company") {
    const c = companyNamed(home, verb ?? "");
    const [action, arg] = rest;
    const wf = action === "switch" ? c.orderSwitch(METER_SERIAL, switchingTime(home, arg))
      : action === "confirm" ? c.confirm(METER_SERIAL)
      : action === "abolish" ? c.abolish(METER_SERIAL, switchingTime(home, arg))
      : action === "moveout" ? c.moveOut(METER_SERIAL)
      : action === "read" ? c.read(METER_SERIAL)
      : undefined;
    if (wf === undefined) throw new Error("company <name> switch [at] | confirm | abolish [at] | moveout | read");
    home.note("HOME", `${c.name}: ${action} (workflow ${wf})`);
    return "";
  }
  if (who === "hems" && verb === "read") {
    const hems = home.hems;
    if (!hems) throw new Error("this home has no meter");
    const at = hems.meter() ?? await hems.discover();
    if (at === undefined) return "the HEMS finds no smart meter on the LAN";
    return showMeter(await hems.read(at));
  }
  if ((who === "alice" || who === "bob") && verb === "meter") {
    const phone: MakerApp = who === "alice" ? home.alice : home.bob;
    const id = home.meterDeviceId;
    if (!id) throw new Error("the meter is not installed yet");
    if (rest[0] === "switch") {
      const body: SwitchOrderRequest = { company: companyNamed(home, rest[1] ?? "").code, at: switchingTime(home, rest[2]) };
      const r = await phone.cloud.expect<SwitchOrderResponse>(202, "POST", `/api/meter/${id}/switch`, body);
      return `${who}: switch ordered from company ${r.company.toString(16)} (workflow ${r.workflow})`;
    }
    if (rest[0] === "notices") {
      const n = await phone.cloud.expect<MeterNoticesResponse>(200, "GET", `/api/meter/${id}/notices`);
      return n.map((x) => `${x.n}. ${x.kind} ${JSON.stringify(x.fields)}`).join("\n") || "(no notices)";
    }
    throw new Error(`${who} meter switch <company> [at] | notices`);
  }
  return undefined;
}
