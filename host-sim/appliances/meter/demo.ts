// The smart meter's scripted demo (seed 003; issue 10): the installer's visit, a new
// resident's supply closed by Kanto Power's matching confirmation, a data-provision
// change to the Data Utilization Co., a switch to Green Power that Alice orders from her
// phone for the next half hour (Kanto is told of its scheduled end) and an hour of Green's
// readings, an immediate switch
// back by Kanto's IC card and a selection button, a forged card whose confirmation does
// not match (the breaker opens; reconnection needs Kanto's card again, its matching
// confirmation and a local press), and a move-out with a new resident. Used by `npm run demo -- meter` and the
// home's `demo meter` command.
import type { Home } from "../../home/world.ts";
import { CardRole, encodeCard } from "../../card/index.ts";
import { showMeter } from "../../echonet/index.ts";
import { PANEL_BUTTONS, METER_SERIAL } from "./panel.ts";
import { DataType, type CompanyServer, type SwitchOrderRequest, type SwitchOrderResponse, type MeterNoticesResponse, type Workflow } from "./cloud/index.ts";
import { KANTO_POWER, GREEN_POWER, DATA_UTILIZATION } from "./cloud/index.ts";

const SLOT_MS = 30 * 60_000;

/** Moves the meter's time in steps (its timers fire, the broker answers in between) until
 *  `done` holds; throws after `limitMs` of meter time. */
async function until(home: Home, what: string, done: () => boolean, limitMs = 120_000, stepMs = 1_000): Promise<void> {
  const meter = home.requireMeter().device;
  for (let t = 0; t <= limitMs; t += stepMs) {
    if (done()) return;
    await meter.advance(stepMs);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`demo: ${what} did not happen`);
}

const workflow = (c: CompanyServer, id: number): Workflow => c.workflows(METER_SERIAL).find((w) => w.id === id)!;
const settledWorkflow = (c: CompanyServer, id: number) => () => !["ordered", "unsent"].includes(workflow(c, id).state);

export async function playMeterDemo(home: Home, say: (s: string) => void = () => {}): Promise<string> {
  const meter = home.requireMeter();
  const cloud = home.meterCloud!;
  const kanto = cloud.company(KANTO_POWER)!, green = cloud.company(GREEN_POWER)!, data = cloud.company(DATA_UTILIZATION)!;
  const press = (b: keyof typeof PANEL_BUTTONS) => meter.device.press(PANEL_BUTTONS[b]);

  say("1. The installer registers the meter at the head-end and installs it over its service port.");
  const deviceId = await home.installMeter();
  await until(home, "the meter's first table at the head-end", () => cloud.headEnd().table(deviceId) !== undefined);
  say(`   registration ${deviceId}; breaker ${meter.breaker} (a new resident's supply stays off)`);

  say("2. Kanto Power takes the contract: its change record and its confirmation close the breaker.");
  const k1 = kanto.orderSwitch(METER_SERIAL);
  await until(home, "Kanto's switch", settledWorkflow(kanto, k1));
  await until(home, "the breaker closing", () => meter.breaker === "closed");
  say(`   Kanto's workflow: ${workflow(kanto, k1).state}; breaker ${meter.breaker}`);

  say("3. A data-provision change: the Data Utilization Co. (TIME and POWER only) takes the provision role.");
  const d1 = data.orderSwitch(METER_SERIAL);
  await until(home, "the data company's switch", settledWorkflow(data, d1));
  say(`   Data Utilization's workflow: ${workflow(data, d1).state}`);

  say("4. Alice orders a switch to Green Power from her phone, for the next half hour (third embodiment).");
  const at = (Math.floor(home.meterWallMs() / SLOT_MS) + 1) * SLOT_MS;
  const order: SwitchOrderRequest = { company: GREEN_POWER, at };
  const r = await home.alice.cloud.expect<SwitchOrderResponse>(202, "POST", `/api/meter/${deviceId}/switch`, order);
  await until(home, "Green's scheduled change", settledWorkflow(green, r.workflow));
  await until(home, "Kanto hearing of its scheduled end", () => kanto.scheduledEnds(METER_SERIAL).length > 0);
  say(`   Green's workflow: ${workflow(green, r.workflow).state}; Kanto told it ends at ${new Date(at).toISOString()}`);
  await until(home, "the switch at the half hour", () => workflow(green, r.workflow).state === "switched", 2 * SLOT_MS, 10_000);
  say(`   at ${new Date(at).toISOString().slice(11, 16)} UTC the meter switched: Green's workflow ${workflow(green, r.workflow).state}`);
  const readings = (c: CompanyServer) => c.readings(METER_SERIAL).length;
  await until(home, "an hour of Green's readings", () => readings(green) >= 2, 2 * SLOT_MS + 60_000, 10_000);
  say(`   an hour later: Kanto ${readings(kanto)} reading(s) (the one ending at the switch is Kanto's), Green ${readings(green)}, Data Utilization ${readings(data)} (TIME and POWER only)`);

  say("5. An immediate switch by IC card: Kanto's card in slot 1, SELECT_1; Kanto's server confirms.");
  await meter.cards.insert(0, encodeCard({ role: CardRole.CONTRACT, company: KANTO_POWER, types: kanto.types }));
  await press("select1");
  const k2 = kanto.confirm(METER_SERIAL);
  await until(home, "Kanto's confirmation", settledWorkflow(kanto, k2));
  say(`   Kanto's confirmation: ${workflow(kanto, k2).state}; breaker ${meter.breaker}`);

  say("6. A forged card claims Green Power with every data type; Green's confirmation does not match.");
  await meter.cards.insert(1, encodeCard({ role: CardRole.CONTRACT, company: GREEN_POWER, types: DataType.TIME | DataType.POWER | DataType.ENERGY | DataType.HISTORY }));
  await press("select2");
  const g2 = green.confirm(METER_SERIAL);
  await until(home, "the mismatch", settledWorkflow(green, g2));
  await until(home, "the breaker opening", () => meter.breaker === "open");
  const notices = await home.alice.cloud.expect<MeterNoticesResponse>(200, "GET", `/api/meter/${deviceId}/notices`);
  say(`   Green's confirmation: ${workflow(green, g2).state}; breaker ${meter.breaker}; Alice's phone: ${notices.filter((n) => n.kind === "security").length} security notice(s)`);
  await meter.cards.remove(1);
  await press("select1");
  const k3 = kanto.confirm(METER_SERIAL);
  await until(home, "Kanto's confirmation", settledWorkflow(kanto, k3));
  say(`   the forged card out, Kanto's card selected again and confirmed (${workflow(kanto, k3).state}): breaker ${meter.breaker}, ready for reconnection`);
  await press("reconnect");
  await until(home, "the breaker closing after the press", () => meter.breaker === "closed");
  say(`   the resident presses RECONNECT: breaker ${meter.breaker}`);

  say("7. Alice moves out: Kanto opens the breaker for the next resident; Bob moves in and Kanto confirms.");
  const k4 = kanto.moveOut(METER_SERIAL);
  await until(home, "the move-out", () => settledWorkflow(kanto, k4)() && meter.breaker === "open");
  say(`   move-out: ${workflow(kanto, k4).state}; breaker ${meter.breaker}`);
  const k5 = kanto.confirm(METER_SERIAL);
  await until(home, "the new resident's supply", () => settledWorkflow(kanto, k5)() && meter.breaker === "closed");
  say(`   Kanto's confirmation for Bob: ${workflow(kanto, k5).state}; breaker ${meter.breaker}`);

  say("8. The HEMS reads the meter over ECHONET Lite on the home LAN.");
  const hems = home.hems!;
  const addr = hems.meter() ?? await hems.discover();
  const view = addr === undefined ? "the HEMS found no meter" : showMeter(await hems.read(addr));
  say(view.split("\n").map((l) => `   ${l}`).join("\n").trimStart());

  const received = [kanto, green, data].map((c) => `${c.name}: ${c.readings(METER_SERIAL).length} readings, ${c.notices(METER_SERIAL).length} notices`);
  return [`meter registration ${deviceId}`, ...received].join("\n");
}
