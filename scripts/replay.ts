// npm run replay -- <file.json> [--host ts|posix|wamr-fast|wamr-classic]...: replays a
// scenario file (a recorded session, host-sim/scenario/json.ts) on each host asked for
// (default ts and posix) and prints "same trace on ts, posix" or the first difference:
// the step, what was expected and what the host gave. Exit status 1 on a difference.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenario } from "../host-sim/scenario/json.ts";
import { replayScenario } from "../host-sim/scenario/replay.ts";
import type { HostName } from "../host-sim/device/power-on.ts";

const HOSTS: readonly HostName[] = ["ts", "posix", "wamr-fast", "wamr-classic"];
const USAGE = "usage: npm run replay -- <scenario.json> [--host ts|posix|wamr-fast|wamr-classic]...";

function fail(msg: string): never {
  console.error(`replay: ${msg}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const files: string[] = [], hosts: HostName[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--help" || args[i] === "-h") { console.log(USAGE); process.exit(0); }
  if (args[i] === "--host") {
    const h = args[++i];
    if (!HOSTS.includes(h as HostName)) fail(`--host ${h ?? "(missing)"}: one of ${HOSTS.join(", ")}`);
    hosts.push(h as HostName);
  } else if (args[i].startsWith("--")) fail(`unknown option ${args[i]}\n${USAGE}`);
  else files.push(args[i]);
}
if (files.length !== 1) fail(USAGE);

let scenario;
try { scenario = loadScenario(files[0]); } catch (e) { fail((e as Error).message); }
const dir = mkdtempSync(join(tmpdir(), "replay-"));
try {
  const r = await replayScenario(scenario, hosts.length ? hosts : ["ts", "posix"], dir);
  console.log(`${scenario.name} (${scenario.image}, ${scenario.steps.length} steps): ${r.text}`);
  process.exitCode = r.difference ? 1 : 0;
} catch (e) {
  fail((e as Error).message);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
