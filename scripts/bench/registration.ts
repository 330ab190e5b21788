// Registration latency alone (the registration part of scripts/bench/home.ts, without the
// bridge throughput run): median and p90 over N new registrations in the simulated home.
//   npx tsx scripts/bench/registration.ts [embedded|mosquitto] [runs]
import { benchHome } from "./home.ts";
import type { BrokerKind } from "../../host-sim/net/broker.ts";

const broker = (process.argv[2] ?? "embedded") as BrokerKind;
const runs = Number(process.argv[3] ?? 15);
const r = await benchHome(broker, runs, 0);
console.log(`registration (${broker}, ${r.runs} runs): median ${r.medianMs.toFixed(1)} ms, p90 ${r.p90Ms.toFixed(1)} ms, ${r.messages} messages`);
