// The meter's part of the home's screen: its panel and breaker, its card slots and the
// load behind it, and what each company server has received.
import { decodeCard } from "../card/index.ts";
import { METER_SERIAL } from "../appliances/meter/panel.ts";
import type { Home } from "./world.ts";

/** Three boxes' texts: the meter's panel, the cards and load, the companies. */
export function meterTexts(home: Home): { title: string; text: string }[] {
  const meter = home.meter, cloud = home.meterCloud;
  if (!meter || !cloud) return [];
  const slots = [0, 1, 2].map((k) => {
    const b = meter.cards.card(k);
    if (!b) return `slot ${k + 1}: empty`;
    const c = decodeCard(b);
    const co = c && cloud.company(c.company);
    return `slot ${k + 1}: ${c ? `${co?.name ?? c.company.toString(16)} types ${c.types}` : "unreadable card"}`;
  });
  const load = home.meterLoad?.sample(home.meterWallMs())[0];
  const companies = cloud.companies.map((c) => {
    const r = c.readings(METER_SERIAL);
    const last = r.at(-1);
    return `${c.name}: ${r.length} readings${last ? ` (last rseq ${last.rseq} ${Object.keys(last).filter((k) => ["t", "w", "wh", "d"].includes(k) && last[k as "t"] !== undefined && last[k as "t"] !== null).join("/")})` : ""}, ${c.notices(METER_SERIAL).length} notices`;
  });
  return [
    { title: `Meter (${meter.device.o.host}, breaker ${meter.breaker})`, text: meter.device.screen },
    { title: "Card slots and load", text: [...slots, load ? `load ${load.powerW} W, register ${load.energyWh} Wh` : "load: --"].join("\n") },
    { title: "Companies", text: companies.join("\n") },
  ];
}
