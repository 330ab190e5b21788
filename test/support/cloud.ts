// A broker of either kind and the cloud logged in to it, in a fresh folder (its own PKI,
// database and broker files): the cloud-side tests' world, with mqtt.js clients playing
// remotes and phones talking HTTPS.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createBroker, type Broker, type BrokerKind, type BrokerOptions } from "../../host-sim/net/broker.ts";
import { loadOrCreatePki, type Pki } from "../../host-sim/net/pki.ts";
import { hashPassword } from "../../host-sim/net/password-hash.ts";
import { startCloud, type CloudEvent, type CloudHandle } from "../../host-sim/cloud/index.ts";
import { waterHeaterCloud } from "../../host-sim/appliances/water-heater/cloud-service.ts";
import type { CloudService } from "../../host-sim/cloud/service.ts";

export interface CloudWorld {
  dir: string;
  pki: Pki;
  broker: Broker;
  cloud: CloudHandle;
  /** The cloud's broker password (tests check it reaches no log). */
  cloudPassword: string;
  /** Every event the cloud emitted. */
  events: CloudEvent[];
  /** Stops the cloud and the broker and removes the folder. */
  stop(): Promise<void>;
}

/** `services`: the appliances the cloud serves (the water heater's unless given). */
export async function startCloudWorld(kind: BrokerKind, brokerOptions: Partial<BrokerOptions> = {}, services: CloudService[] = [waterHeaterCloud]): Promise<CloudWorld> {
  const dir = mkdtempSync(join(tmpdir(), `cloud-${kind}-`));
  const pkiDir = join(dir, "pki");
  const pki = loadOrCreatePki(pkiDir);
  const broker = await createBroker(kind, { pkiDir, dataDir: join(dir, "broker"), ...brokerOptions });
  const cloudPassword = randomBytes(18).toString("base64");
  await broker.setService("cloud", hashPassword(cloudPassword));
  const events: CloudEvent[] = [];
  const cloud = await startCloud({
    services,
    tls: { cert: pki.server.cert, key: pki.server.key },
    dbPath: join(dir, "cloud.db"),
    mqtt: { brokerUrl: broker.url, ca: pki.ca, ...pki.clientCert("cloud"), password: cloudPassword },
    directory: broker,
    userHashLogN: 4,
    log: () => {},
    onEvent: (e) => events.push(e),
  });
  return {
    dir, pki, broker, cloud, events, cloudPassword,
    async stop() {
      await cloud.stop();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
