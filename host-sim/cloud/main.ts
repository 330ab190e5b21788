// Runs the cloud on its own:  npx tsx host-sim/cloud/main.ts [--port 8443] [--db data/cloud.db]
//                                 [--pki data/pki] [--broker mqtts://localhost:8883]
//                                 [--appliance water-heater,printer]
// The MQTT service password comes from $CLOUD_MQTT_PASSWORD (never a command-line
// argument, which other users of the machine could read). Without --broker the API runs
// and commands are stored but not sent. Standalone, no broker is told about device
// credentials: the simulated home runs the cloud in-process with its broker for that.
import { parseArgs } from "node:util";
import { loadOrCreatePki } from "../net/pki.ts";
import { startCloud } from "./index.ts";
import { appliance } from "../appliances/index.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8443" },
    db: { type: "string", default: "data/cloud.db" },
    pki: { type: "string", default: "data/pki" },
    broker: { type: "string" },
    appliance: { type: "string", default: "water-heater" },
  },
});

// A comma-separated list: the first is the default of registrations that name none.
const services = values.appliance!.split(",").map((name) => {
  const service = appliance(name).cloud;
  if (!service) {
    process.stderr.write(`the ${name} has no cloud service\n`);
    process.exit(2);
  }
  return service;
});
const pki = loadOrCreatePki(values.pki!);
const password = process.env.CLOUD_MQTT_PASSWORD;
if (values.broker && !password) {
  process.stderr.write("CLOUD_MQTT_PASSWORD is not set\n");
  process.exit(2);
}

const cloud = await startCloud({
  services,
  tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca },
  dbPath: values.db,
  httpsPort: Number(values.port),
  mqtt: values.broker ? { brokerUrl: values.broker, ca: pki.ca, ...pki.clientCert("cloud"), password: password! } : undefined,
  onEvent: (e) => {
    if (e.kind === "http") process.stdout.write(`${e.method} ${e.path} ${e.status}${e.user ? ` (${e.user})` : ""}\n`);
    else if (e.kind === "mqtt-in" || e.kind === "mqtt-out") process.stdout.write(`${e.kind} ${e.topic} ${e.payload}\n`);
  },
});
process.stdout.write(`cloud listening on ${cloud.url}\n`);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => { void cloud.stop().then(() => process.exit(0)); });
}
