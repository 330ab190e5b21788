// Water heater in the simulated home (issue: registration speed and bridge throughput).
// - registration: from the app's HELLO (registration started) to the cloud receiving
//   the remote's hello under its new device ID (connected with its new credentials);
//   median over repeated new registrations after initialization, and the messages
//   exchanged in between (LAN frames, HTTP requests, MQTT messages in the flow log);
// - bridge: QoS 1 messages per second one device's bridge gets acknowledged by the
//   broker, 32 in flight, delivered to the cloud's subscription.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { Home, HEATER, HEATER_SERIAL } from "../../host-sim/home/world.ts";
import { finishRegistration, startRegistration } from "../../host-sim/appliances/water-heater/remote-actions.ts";
import { MqttBridge } from "../../host-sim/bridge/mqtt-bridge.ts";
import { EventKind } from "../../host-sim/device/types.ts";
import type { BrokerKind } from "../../host-sim/net/broker.ts";

export interface HomeBench { broker: BrokerKind; runs: number; medianMs: number; p90Ms: number; messages: number; msgsPerSec: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];

export async function benchHome(broker: BrokerKind, runs = 15, messages = 3000): Promise<HomeBench> {
  const dir = mkdtempSync(join(tmpdir(), "bench-home-"));
  const home = new Home({ dataDir: dir, broker, heaterHost: "ts", fresh: true, seeded: true });
  try {
    await home.start();
    const times: number[] = [], counts: number[] = [];
    for (let i = 0; i < runs; i++) {
      await startRegistration(home.heater, "new");
      let t0 = 0, flow0 = 0, deviceId = "";
      home.bob.o.beforeStep = async (s) => { if (s === "S82 hello") { t0 = performance.now(); flow0 = home.flow.length; } };
      const helloSeen = new Promise<number>((resolve) => {
        const l = (e: { kind: string; topic?: string }) => {
          if (e.kind === "mqtt-in" && deviceId && e.topic === `devices/${deviceId}/up/hello`) { home.cloud.events.off("event", l); resolve(performance.now()); }
        };
        home.cloud.events.on("event", l);
      });
      const r = await home.bob.register(HEATER);
      deviceId = r.deviceId;
      const t1 = await helloSeen;
      times.push(t1 - t0);
      counts.push(home.flow.slice(flow0).filter((l) => l.via !== "HOME" && !l.text.startsWith("bridge:")).length);
      await finishRegistration(home.heater);
    }
    home.bob.o.beforeStep = undefined;
    // messages = 0: registration only (scripts/bench/registration.ts).
    const rate = messages > 0 ? await bridgeThroughput(home, messages) : 0;
    return { broker, runs, medianMs: median(times), p90Ms: p90(times), messages: median(counts), msgsPerSec: rate };
  } finally {
    await home.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One device's bridge publishing QoS 1 as fast as the broker acknowledges. */
async function bridgeThroughput(home: Home, total: number): Promise<number> {
  const deviceId = "bench-device-0001";
  const password = "bench-password-0123456789";
  const { hashPassword } = await import("../../host-sim/net/password-hash.ts");
  await home.broker.setDevice(deviceId, hashPassword(password), HEATER_SERIAL);
  // A subscriber with a service account of its own: a second "cloud" login would take
  // over the real cloud's session on Mosquitto.
  const subPassword = "bench-subscriber-0123456789";
  await home.broker.setService("bench-subscriber", hashPassword(subPassword));
  const cloudCert = home.pki.clientCert("cloud");
  const sub = await mqtt.connectAsync(home.broker.url, { ca: home.pki.ca, cert: cloudCert.cert, key: cloudCert.key, username: "bench-subscriber", clientId: "bench-subscriber", password: subPassword, reconnectPeriod: 0 });
  await sub.subscribeAsync(`devices/${deviceId}/up/#`, { qos: 1 });
  const cert = home.heaterIdentity;
  let acked = 0, connected!: () => void, done!: () => void;
  const up = new Promise<void>((r) => { connected = r; });
  const finished = new Promise<void>((r) => { done = r; });
  let pid = 0, sent = 0;
  const payload = new TextEncoder().encode(JSON.stringify({ n: 1, event: "bath_temp", value: 41, t: -1 }));
  const topic = `devices/${deviceId}/up/history`;
  const sendOne = () => { sent++; pid = pid % 65535 + 1; bridge.handle({ t: "mqtt_publish", pid, qos: 1, retain: false, topic, payload }); };
  const bridge = new MqttBridge({
    brokerUrl: home.broker.url, ca: home.pki.ca, clientCert: cert.cert, clientKey: cert.key,
    deliver: (ev) => {
      if (ev.kind === EventKind.MQTT_STATE && ev.arg === 1) connected();
      if (ev.kind === EventKind.MQTT_ACK) { acked++; if (acked >= total) done(); else if (sent < total) sendOne(); }
    },
  });
  bridge.handle({ t: "mqtt_connect", client: deviceId, user: deviceId, pass: new TextEncoder().encode(password) });
  await up;
  const t0 = performance.now();
  for (let i = 0; i < 32; i++) sendOne();
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  bridge.close();
  await sub.endAsync();
  return Math.round(total / seconds);
}
