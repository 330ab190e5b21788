// Draws the home in a terminal: the remote's screen and both phones' screens side by
// side (like the device screens of a desktop simulator), then the latest message flow.
import { HEATER_APPLIANCE, type Home, type FlowLine } from "./world.ts";
import { PRINTER_APPLIANCE } from "./home-printer.ts";
import { meterTexts } from "./meter-view.ts";
import { METER_HELP } from "./meter-console.ts";
import { pcsTexts } from "./pcs-view.ts";
import { PCS_HELP } from "./pcs-console.ts";
import { lockTexts } from "./lock-view.ts";
import { LOCK_HELP } from "./lock-console.ts";
import { RECORD_HELP } from "./home-recorder.ts";
import { imageTexts } from "./image-console.ts";

const WIDTH = 38;

function box(fullTitle: string, text: string, height: number): string[] {
  const title = fullTitle.length > WIDTH - 6 ? fullTitle.slice(0, WIDTH - 7) + "…" : fullTitle;
  const lines = text.split("\n").flatMap((l) => wrap(l, WIDTH - 4));
  const out = [`┌─ ${title} ${"─".repeat(Math.max(0, WIDTH - 5 - title.length))}┐`];
  for (let i = 0; i < height; i++) out.push(`│ ${(lines[i] ?? "").padEnd(WIDTH - 4)} │`);
  out.push(`└${"─".repeat(WIDTH - 2)}┘`);
  return out;
}

/** Breaks a line at spaces so that no piece is wider than `w` (a longer word is cut). */
function wrap(line: string, w: number): string[] {
  const out: string[] = [];
  let cur = "";
  for (const word of line.split(" ")) {
    if (cur && (cur + " " + word).length > w) { out.push(cur); cur = ""; }
    cur = cur ? cur + " " + word : word;
    while (cur.length > w) { out.push(cur.slice(0, w)); cur = cur.slice(w); }
  }
  out.push(cur);
  return out;
}

export function flowText(l: FlowLine): string {
  const t = new Date(l.t).toISOString().slice(11, 19);
  return `${t} ${l.via.padEnd(4)} ${l.text}`;
}

export function render(home: Home, flowLines = 12): string {
  // An --image home runs the image alone unless asked: its box and controls come first.
  const imageBoxes = imageTexts(home).map((b) => box(b.title, b.text, 7));
  const rows = imageBoxes.length ? imageBoxes[0].map((_, i) => imageBoxes.map((b) => b[i]).join(" ")) : [];
  if (home.heater) {
    const relay = home.heater.pins.get(0) === 1 ? "burner ON" : "burner off";
    const boxes = [
      box(`Remote (${home.o.heaterHost}, ${relay})`, home.heater.screen, 7),
      box(`Alice's phone ${home.router.isAtHome("alice") ? "(home)" : "(outside)"}`, home.alice.screen, 7),
      box(`Bob's phone ${home.router.isAtHome("bob") ? "(home)" : "(outside)"}`, home.bob.screen, 7),
    ];
    rows.push(...boxes[0].map((_, i) => boxes.map((b) => b[i]).join(" ")));
  }
  if (home.printer) {
    const apps = (name: string) => { const a = home.printerApps[name]; return `${a.manage.screen}\n${a.print.screen}`; };
    const joined = home.air.isOnLan("printer") ? "on HomeNet" : "not on the router";
    const printerBoxes = [
      box(`Printer (${home.o.printerHost ?? home.o.heaterHost}, ${joined})`, home.printer.device.screen, 7),
      box("Alice's printer apps", apps("alice"), 7),
      box("Bob's printer apps", apps("bob"), 7),
    ];
    rows.push(...printerBoxes[0].map((_, i) => printerBoxes.map((b) => b[i]).join(" ")));
  }
  const meterBoxes = meterTexts(home).map((b) => box(b.title, b.text, 7));
  if (meterBoxes.length > 0) rows.push(...meterBoxes[0].map((_, i) => meterBoxes.map((b) => b[i]).join(" ")));
  const pcsBoxes = pcsTexts(home).map((b) => box(b.title, b.text, 7));
  if (pcsBoxes.length > 0) rows.push(...pcsBoxes[0].map((_, i) => pcsBoxes.map((b) => b[i]).join(" ")));
  const lockBoxes = lockTexts(home).map((b) => box(b.title, b.text, 8));
  if (lockBoxes.length > 0) rows.push(...lockBoxes[0].map((_, i) => lockBoxes.map((b) => b[i]).join(" ")));
  const flow = (flowLines > 0 ? home.flow.slice(-flowLines) : []).map(flowText);
  return [...rows, `Message flow (broker: ${home.o.broker}):`, ...flow.map((l) => "  " + l)].join("\n");
}

const heater = HEATER_APPLIANCE;
const phoneHelp = Object.entries(heater.phone ?? {}).map(([verb, a]) => `  ${`<alice|bob> ${verb} ${a.usage}`.padEnd(45)}${a.help}`);

const printerHelp = Object.entries(PRINTER_APPLIANCE.apps ?? {}).map(([verb, a]) => `  ${`<alice|bob> ${verb} ${a.usage}`.padEnd(45)}${a.help}`);

export const HELP = `Commands:
  press <${Object.keys(heater.local?.buttons ?? {}).join("|")}> [...]   buttons on the ${heater.title}'s remote
  <alice|bob> register                         the app registers (the remote must wait for the app)
${phoneHelp.join("\n")}
${printerHelp.join("\n")}
  <alice|bob> wifi-key <key>                   the key that person types next when an app asks for the router's
  press printer <${Object.keys(PRINTER_APPLIANCE.local?.buttons ?? {}).join("|")}> [...]   buttons on the printer's panel
  <alice|bob> history | devices | state        what that user can read in the cloud
  <alice|bob> leave | home                     the phone leaves / joins the home network
${METER_HELP}
${PCS_HELP}
${LOCK_HELP}
  power [printer]                              power cut and restart of the water heater (or the printer)
  broker down | broker up                      an outage of the MQTT broker
  cloud down | cloud up                        an outage of the cloud (the broker keeps its session)
${RECORD_HELP}
  demo [printer|meter|pcs|lock]                the three registration flows (or the printer's life, the meter's, the power conditioner's use cases, the lock's slots), scripted
  view | help | quit`;
