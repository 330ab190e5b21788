// The home's command line: what a user types after `npm start --` is read as the usage
// says, and a mistake is one line on stderr with exit code 2 (no stack trace, nothing
// started). One data folder belongs to one home at a time. A home that cannot start once
// its options were read says why in one sentence with exit code 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHomeArgs, UsageError, USAGE, OPTIONS } from "../host-sim/home/options.ts";
import { lockDataDir, DataDirBusy } from "../host-sim/home/data-lock.ts";
import { startFailure } from "../host-sim/home/start-failure.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const MAIN = join(ROOT, "host-sim", "home", "main.ts");

function home(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("parseHomeArgs reads each option as the usage says", () => {
  const plain = parseHomeArgs([]);
  assert.equal(plain.demo, null);
  assert.equal(plain.help, false);
  assert.equal(plain.home.dataDir, "data");
  assert.equal(plain.home.speed, 1);
  assert.equal(plain.home.heaterHost, "ts");
  assert.ok(plain.home.printer && plain.home.meter && plain.home.pcs && plain.home.lock);

  const c = parseHomeArgs(["--data", "/tmp/x", "--broker", "mosquitto", "--posix", "--speed", "2.5", "--fresh", "--no-printer"]);
  assert.deepEqual([c.home.dataDir, c.home.broker, c.home.heaterHost, c.home.speed, c.home.fresh, c.home.printer], ["/tmp/x", "mosquitto", "posix", 2.5, true, false]);

  assert.equal(parseHomeArgs(["--demo"]).demo, "water-heater");
  assert.equal(parseHomeArgs(["--demo", "--posix"]).demo, "water-heater", "--demo's value is optional");
  const meterDemo = parseHomeArgs(["--demo", "meter"]);
  assert.equal(meterDemo.demo, "meter");
  assert.equal(meterDemo.home.fresh, true, "a demo starts fresh");
  assert.equal(meterDemo.home.clock, "virtual");
  const lockHome = parseHomeArgs(["--home", "lock"]);
  assert.ok(lockHome.home.lock && !lockHome.home.printer && !lockHome.home.meter && !lockHome.home.pcs);
  assert.equal(parseHomeArgs(["--help"]).help, true);
});

test("parseHomeArgs refuses what it cannot act on with one sentence", () => {
  const refused: Array<[string[], RegExp]> = [
    [["--broker", "foo"], /--broker foo: no such broker/],
    [["--speed", "abc"], /--speed abc: not a number above 0/],
    [["--speed", "0"], /not a number above 0/],
    [["--speed", "-2"], /not a number above 0/],
    [["--flag"], /unknown option --flag/],
    [["--home", "x"], /--home x: no such home/],
    [["--demo", "x"], /--demo x: no such demo/],
    [["--data"], /--data needs a value/],
    [["--speed", "--fresh"], /--speed needs a value/],
    [["stray"], /unexpected argument "stray"/],
    [["--posix", "--posix"], /--posix given twice/],
  ];
  for (const [args, message] of refused) {
    assert.throws(() => parseHomeArgs(args), (e: unknown) => e instanceof UsageError && message.test(e.message) && !e.message.includes("\n"), args.join(" "));
  }
});

test("--help lists every option on a line of its own", () => {
  const r = home(["--help"]);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), USAGE.trim());
  for (const o of OPTIONS) assert.equal(USAGE.split("\n").filter((l) => l.trimStart().startsWith(`${o.flag} `)).length, 1, o.flag);
});

test("a bad option is one line on stderr and exit code 2, before anything starts", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-"));
  for (const args of [["--broker", "foo"], ["--speed", "abc"], ["--flag"], ["--home", "x"], ["--demo", "x"]]) {
    const r = home([...args, "--data", join(dir, "data")]);
    assert.equal(r.status, 2, args.join(" "));
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(lines[0], /^npm start: .*--help lists the options/);
    assert.equal(r.stdout, "");
    assert.equal(existsSync(join(dir, "data")), false, "nothing was started");
  }
});

test("a data folder is one home's: a second is refused naming the first; a dead home's lock is taken over", async () => {
  const dir = mkdtempSync(join(tmpdir(), "datalock-"));
  const first = lockDataDir(dir);
  assert.equal(readFileSync(first.file, "utf8").trim(), String(process.pid));
  assert.throws(() => lockDataDir(dir, process.pid + 100_000), (e: unknown) => e instanceof DataDirBusy && e.pid === process.pid && /--data <dir>/.test(e.message));
  first.release();
  assert.equal(existsSync(first.file), false, "released on stop");

  // A home that was killed left its lock: its pid is no process any more.
  const gone = spawn(process.execPath, ["-e", ""]);
  const deadPid = gone.pid!;
  await new Promise((res) => gone.on("exit", res));
  writeFileSync(join(dir, "home.lock"), `${deadPid}\n`);
  const second = lockDataDir(dir);
  assert.equal(readFileSync(second.file, "utf8").trim(), String(process.pid), "the stale lock was taken over");

  // A whole second home on a held folder: one line naming the holder, exit code 2.
  const r = home(["--data", dir]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim(), `npm start: ${new DataDirBusy(dir, process.pid).message}`);
  second.release();
});

test("a home that cannot start is one sentence on stderr and exit code 1; DEBUG=1 adds the stack", () => {
  const dir = mkdtempSync(join(tmpdir(), "home-start-failure-"));
  const notAFolder = join(dir, "a-file");
  writeFileSync(notAFolder, "");
  const r = home(["--data", notAFolder, "--tui"]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^npm start: the data folder ${notAFolder} cannot be made: .* is a file, not a folder: name a folder with --data <dir> \\(DEBUG=1 shows where\\)`));
  assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");

  const badImage = join(dir, "broken.wasm");
  writeFileSync(badImage, "not wasm at all");
  const img = home(["--data", join(dir, "data"), "--image", badImage, "--tui"]);
  assert.equal(img.status, 1);
  assert.match(img.stderr, new RegExp(`^npm start: --image ${badImage} does not load: .*name another image`));
  assert.doesNotMatch(img.stderr, /^\s+at /m, "no stack trace");

  const debug = spawnSync(process.execPath, ["--import", "tsx", MAIN, "--data", notAFolder, "--tui"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, DEBUG: "1" }, timeout: 60_000 });
  assert.equal(debug.status, 1);
  assert.match(debug.stderr, /^\s+at .*lockDataDir/m, "DEBUG=1: the stack follows the sentence");
});

test("start failures name their cause and the way out", () => {
  const ctx = { dataDir: "/srv/home-data" };
  assert.match(startFailure(new Error("mosquitto not found (looked at ...): install it"), ctx), /^--broker mosquitto: mosquitto is not installed: apt-get install mosquitto, or leave out --broker/);
  const taken = Object.assign(new Error("listen EACCES: permission denied 127.0.0.1:80"), { code: "EACCES", syscall: "listen", port: 80 });
  assert.equal(startFailure(taken, ctx), "port 80 cannot be opened (ports below 1024 need root): choose another with --port <n>");
  const readOnly = Object.assign(new Error("EROFS"), { code: "EROFS", path: "/srv/home-data/devices" });
  assert.match(startFailure(readOnly, ctx), /^the data folder \/srv\/home-data cannot be written \(EROFS on \/srv\/home-data\/devices\): name a folder you may write with --data <dir>$/);
  assert.equal(startFailure(new Error("something else\n  at x"), ctx), "the home could not start: something else");
});
