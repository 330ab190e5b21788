// Runs before `npm start` and `npm test` (npm's pre-scripts), so that on a fresh clone
// those two commands do all the set-up: Debian packages, npm packages, images and native
// boards (posix; WAMR's when its sources are found: scripts/build-wamr.ts). Plain Node with no dependencies, because it runs before any are installed.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const quiet = process.argv.includes("--quiet");
const say = (s) => { if (!quiet) console.log(`setup: ${s}`); };

// Debian packages the kit needs, and a file that shows each one is there.
const debian = [
  ["wabt", "/usr/bin/wasm2c", "translates images to C for the posix board"],
  ["gcc", "/usr/bin/gcc", "builds the posix board"],
  ["cmake", "/usr/bin/cmake", "builds WAMR for the wamr boards (boards/wamr/README.md)"],
  ["libssl-dev", "/usr/include/openssl/evp.h", "crypto primitives of the posix board"],
  ["mosquitto", "/usr/sbin/mosquitto", "the MQTT broker users run (tests run against it too)"],
  ["make", "/usr/bin/make", "builds the SQLite binding for the cloud stub"],
  ["g++", "/usr/bin/g++", "builds the SQLite binding for the cloud stub"],
  ["python3", "/usr/bin/python3", "node-gyp, for the SQLite binding"],
  ["mosquitto-dev", "/usr/include/mosquitto_broker.h", "builds the mosquitto login plugin"],
  ["libmosquitto-dev", "/usr/include/mosquitto.h", "builds the mosquitto login plugin"],
  // Only the tests drive a browser (the page's tests, with playwright-core): `npm start`
  // does not need it.
  ["chromium", "/usr/bin/chromium", "the page's tests run in headless Chromium", "tests"],
];
const forTests = process.env.npm_lifecycle_event === "pretest" || !!process.env.CI;
const missing = debian.filter(([, file, , only]) => !existsSync(file) && (only !== "tests" || forTests));
if (missing.length) {
  const names = missing.map(([n]) => n);
  if (process.getuid?.() === 0) {
    say(`installing Debian packages: ${names.join(" ")}`);
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", ...names], { DEBIAN_FRONTEND: "noninteractive" });
  } else {
    console.error(`setup: missing Debian packages:\n${missing.map(([n, , why]) => `  ${n}: ${why}`).join("\n")}\n` +
      `install them with: sudo apt-get install ${names.join(" ")}`);
    process.exit(1);
  }
}

// npm packages: install when node_modules is missing or older than the lock file.
const lock = join(root, "package-lock.json"), mods = join(root, "node_modules", ".package-lock.json");
if (!existsSync(mods) || statSync(mods).mtimeMs < statSync(lock).mtimeMs) {
  say("installing npm packages (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

// Images, posix boards and the mosquitto plugin: scripts/build.ts rebuilds only what an
// input it read last time has changed (a host-side file never rebuilds an image), and says
// "up to date" otherwise, so it can run every time. Under CI a generated ABI file that is
// stale (boards/abi/v1.json changed without a build) fails instead of being rewritten.
run("npx", ["tsx", "scripts/build.ts", ...(process.env.CI ? ["--check"] : [])]);

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) { console.error(`setup: ${cmd} ${args.join(" ")} failed`); process.exit(r.status ?? 1); }
}

