// Builds the mosquitto login plugin (host-sim/net/mosquitto-plugin/device-auth.c) into
// build/mosquitto/device-auth.so. Headers: Debian's mosquitto-dev and libmosquitto-dev.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
export const BROKER_PLUGIN = root + "build/mosquitto/device-auth.so";
export const BROKER_PLUGIN_SOURCE = root + "host-sim/net/mosquitto-plugin/device-auth.c";

export function buildBrokerPlugin(): void {
  mkdirSync(root + "build/mosquitto", { recursive: true });
  const r = spawnSync("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared", "-o", BROKER_PLUGIN,
    BROKER_PLUGIN_SOURCE, "-lcrypto"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.error || r.status !== 0) {
    console.error(`build: mosquitto plugin failed (${r.error?.message ?? `gcc exit ${r.status}`}); needs the Debian packages mosquitto-dev and libmosquitto-dev`);
    process.exit(r.status || 1);
  }
  console.log(`mosquitto plugin: build/mosquitto/device-auth.so`);
}
