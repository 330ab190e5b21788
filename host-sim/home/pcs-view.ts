// The power conditioner's part of the home's screen: its panel, the people's PCS apps,
// the message outbox (the only place a credential is written) and what the partners got.
import type { Home } from "./world.ts";
import { PCS_SERIAL } from "../appliances/power-conditioner/panel.ts";

/** Three boxes' texts: the panel, the apps, the message outbox and partners. */
export function pcsTexts(home: Home): { title: string; text: string }[] {
  const pcs = home.pcs, cloud = home.pcsCloud;
  if (!pcs || !cloud) return [];
  const apps = ["alice", "worker"].map((n) => `${n}: ${home.pcsApps[n]?.screen.at(-1) ?? "-"}`);
  const sent = cloud.messages.all().slice(-3).map((m) => `${m.channel} to ${m.to}: ${m.text}`);
  const partners = cloud.partners.map((p) => `${p.name}: ${p.readings(PCS_SERIAL).length} readings`);
  return [
    { title: `Power conditioner (${pcs.device.o.host})`, text: pcs.device.screen },
    { title: "PCS apps (BLE)", text: apps.join("\n") },
    { title: "Message outbox, partners", text: [...sent, ...partners].join("\n") },
  ];
}
