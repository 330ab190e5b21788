// Builds every image listed in asconfig.json (firmware/images/<target>/main.ts), then
// the posix host for each, and the mosquitto login plugin. `--images`, `--posix` or
// `--broker` builds that part only.
import { spawnSync } from "node:child_process";
import { readFileSync, mkdirSync } from "node:fs";
import { buildPosix } from "./build-posix.ts";
import { buildBrokerPlugin } from "./build-broker-plugin.ts";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const only = (flag: string) => args.length === 0 || args.includes(flag);

export function imageTargets(): string[] {
  const cfg = JSON.parse(readFileSync(root + "asconfig.json", "utf8"));
  return Object.keys(cfg.targets);
}

function run(cmd: string, argv: string[]) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

mkdirSync(root + "build/images", { recursive: true });
if (only("--images")) {
  for (const t of imageTargets()) {
    run(root + "node_modules/.bin/asc", [`firmware/images/${t}/main.ts`, "--config", "asconfig.json", "--target", t]);
    console.log(`image ${t}: build/images/${t}.wasm`);
  }
}
if (only("--posix")) {
  for (const t of imageTargets()) buildPosix(t);
}
if (only("--broker")) buildBrokerPlugin();
