// The fuzzer (scripts/fuzz.ts): its verdicts fire on an image with planted faults, and a
// fixed-seed subset of `npm run fuzz` over every water-heater entry point finds nothing on
// any engine (V8, wasm2c, WAMR fast and classic), each engine answering every input with
// the same result code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { posixExecutable } from "../host-sim/device/posix-device.ts";
import type { HostName } from "../host-sim/device/types.ts";
import { firstDisagreement } from "../scripts/fuzz/agreement.ts";
import { entryPoints } from "../scripts/fuzz/water-heater.ts";
import { entryPoints as printerEntryPoints } from "../scripts/fuzz/printer.ts";
import { entryPoints as meterEntryPoints } from "../scripts/fuzz/meter.ts";
import { entryPoints as pcsEntryPoints } from "../scripts/fuzz/power-conditioner.ts";
import { entryPoints as lockEntryPoints } from "../scripts/fuzz/lock.ts";
import { fuzzEntry, type EntryResult } from "../scripts/fuzz/run.ts";
import { asImage, tempDir } from "./fixtures/build.ts";
import { nativeEngines } from "./support/engines.ts";
import { requirement } from "./support/requirement.ts";

const WATER_HEATER = new URL("../scripts/fuzz/water-heater.ts", import.meta.url).href;
const PRINTER = new URL("../scripts/fuzz/printer.ts", import.meta.url).href;
const METER = new URL("../scripts/fuzz/meter.ts", import.meta.url).href;
const PCS = new URL("../scripts/fuzz/power-conditioner.ts", import.meta.url).href;
const LOCK = new URL("../scripts/fuzz/lock.ts", import.meta.url).href;
const SUBSET: Record<HostName, number> = { "ts": 1000, "posix": 150, "wamr-fast": 150, "wamr-classic": 150 };
const PRINTER_SUBSET: Record<HostName, number> = { "ts": 400, "posix": 100, "wamr-fast": 100, "wamr-classic": 100 };

test("the fuzzer reports crashes, hangs and refused inputs that changed flash or the screen", async () => {
  const image = asImage("fuzz-target", tempDir("fuzz-target"));
  const r = await fuzzEntry({
    image, entries: new URL("./fixtures/fuzz-target-entries.ts", import.meta.url).href,
    entry: "BUTTON", host: "ts", seed: 1, inputs: 12, hangMs: 500,
  });
  const arg = (verdict: string) => [...new Set(r.findings.filter((f) => f.verdict === verdict).map((f) => /^kind 2 arg (\d+)/.exec(f.input)?.[1]))];
  assert.deepEqual(arg("crash"), ["3"], "traps are crashes");
  assert.deepEqual(arg("hang"), ["4"], "an endless loop is a hang (watchdog)");
  assert.deepEqual(arg("state change").sort(), ["1", "2"], "flash and screen changes of refused inputs");
  assert.ok(r.findings.some((f) => f.verdict === "state change" && /flash changed/.test(f.detail)), "flash written by a refused input");
  assert.ok(r.findings.some((f) => f.verdict === "state change" && /screen changed/.test(f.detail)), "screen redrawn by a refused input");
  assert.equal(r.results["-1"] + r.crashes + r.hangs, r.inputs, "every input was judged");
});

test("engines answering an input with different codes are reported at that input", () => {
  const run = (host: string, codes: (number | null)[]) => ({ host, codes, described: codes.map((_, i) => `input ${i}`) });
  assert.equal(firstDisagreement([run("ts", [0, -1, null]), run("posix", [0, -1, null, 5])]), null, "agree on the inputs both ran");
  assert.deepEqual(firstDisagreement([run("ts", [0, -1, -3, -1]), run("posix", [0, -1, -3, -1]), run("wamr-fast", [0, -1, null, 0])]),
    { index: 2, codes: { "ts": -3, "posix": -3, "wamr-fast": null }, input: "input 2" });
});

const posixMissing = requirement("the posix water-heater board", existsSync(posixExecutable("water-heater")), "npm run build:posix");
const HOSTS: HostName[] = posixMissing ? ["ts"] : ["ts", ...nativeEngines()];

test("water heater: fixed-seed fuzz subset of every entry point finds nothing on any engine, and the engines agree", async (t) => {
  const byEntry = new Map<string, EntryResult[]>();
  for (const host of HOSTS) {
    await t.test(host, async () => {
      for (const e of entryPoints()) {
        const r = await fuzzEntry({ image: "water-heater", entries: WATER_HEATER, entry: e.name, host, seed: 1, inputs: SUBSET[host], hangMs: 2000 });
        byEntry.set(e.name, [...byEntry.get(e.name) ?? [], r]);
        assert.deepEqual(r.findings, [], `${e.name} on ${host}`);
        if (e.name === "LINK LAN") {
          // The inputs reach past the framing: into the window's NONCE_REQUEST and HELLO
          // parsers, the decryption, the parsers behind it (E_MALFORMED after a valid seal),
          // and windows run to their 5th refused frame (E_LOCKED, judged as designed).
          for (const code of ["0", "-6", "-10", "-3", "-11"]) assert.ok((r.results[code] ?? 0) > 0, `LAN result ${code}: ${JSON.stringify(r.results)}`);
        }
        if (e.name === "MQTT_MESSAGE") assert.ok((r.results["0"] ?? 0) > 0, "some commands accepted");
      }
    });
  }
  // The same seed, so the same inputs (over the count every engine ran): the same codes.
  for (const [entry, runs] of byEntry) {
    assert.deepEqual(runs.map((r) => r.host), HOSTS, `${entry} ran on every engine`);
    const d = firstDisagreement(runs);
    assert.equal(d, null, d ? `${entry}: engines disagree on input ${d.index} (${d.input}): ${JSON.stringify(d.codes)}` : "");
  }
});

const printerPosixMissing = requirement("the posix printer board", existsSync(posixExecutable("printer")), "npm run build");
const PRINTER_HOSTS: HostName[] = printerPosixMissing ? ["ts"] : ["ts", ...nativeEngines()];

test("printer: fixed-seed fuzz subset of every entry point (NFC and BLE data included) finds nothing on any engine, and the engines agree", async (t) => {
  const byEntry = new Map<string, EntryResult[]>();
  for (const host of PRINTER_HOSTS) {
    await t.test(host, async () => {
      for (const e of printerEntryPoints()) {
        const r = await fuzzEntry({ image: "printer", entries: PRINTER, entry: e.name, host, seed: 1, inputs: PRINTER_SUBSET[host], hangMs: 2000 });
        byEntry.set(e.name, [...byEntry.get(e.name) ?? [], r]);
        assert.deepEqual(r.findings, [], `${e.name} on ${host}`);
        // Malformed NDEF and BLE data reach their parsers and are refused with E_MALFORMED;
        // damaged requests sealed in a session reach the printer's request parsers.
        if (e.name === "LINK NFC" || e.name === "LINK BLE") assert.ok((r.results["-10"] ?? 0) > 0 && (r.results["0"] ?? 0) > 0, `${e.name}: ${JSON.stringify(r.results)}`);
        if (e.name === "LINK LAN" || e.name === "LINK WIFI_DIRECT") for (const code of ["-6", "-10"]) assert.ok((r.results[code] ?? 0) > 0, `${e.name} result ${code}: ${JSON.stringify(r.results)}`);
        if (e.name === "MQTT_MESSAGE") assert.ok((r.results["0"] ?? 0) > 0, "some commands accepted");
      }
    });
  }
  for (const [entry, runs] of byEntry) {
    assert.deepEqual(runs.map((r) => r.host), PRINTER_HOSTS, `${entry} ran on every engine`);
    const d = firstDisagreement(runs);
    assert.equal(d, null, d ? `${entry}: engines disagree on input ${d.index} (${d.input}): ${JSON.stringify(d.codes)}` : "");
  }
});

const meterPosixMissing = requirement("the posix meter board", existsSync(posixExecutable("meter")), "npm run build");
const METER_HOSTS: HostName[] = meterPosixMissing ? ["ts"] : ["ts", ...nativeEngines()];

test("meter: fixed-seed fuzz subset of every entry point (ECHONET datagrams, card frames, INSTALL, commands) finds nothing on any engine, and the engines agree", async (t) => {
  const byEntry = new Map<string, EntryResult[]>();
  for (const host of METER_HOSTS) {
    await t.test(host, async () => {
      for (const e of meterEntryPoints()) {
        const r = await fuzzEntry({ image: "meter", entries: METER, entry: e.name, host, seed: 1, inputs: PRINTER_SUBSET[host], hangMs: 2000 });
        byEntry.set(e.name, [...byEntry.get(e.name) ?? [], r]);
        assert.deepEqual(r.findings, [], `${e.name} on ${host}`);
        // Damaged cards and INSTALL frames reach their parsers and are refused; damaged
        // commands are refused or answered, and some valid ones act.
        if (e.name === "LINK CARD" || e.name === "LINK SERVICE") assert.ok((r.results["-10"] ?? 0) > 0 && (r.results["0"] ?? 0) > 0, `${e.name}: ${JSON.stringify(r.results)}`);
        if (e.name === "MQTT_MESSAGE") assert.ok((r.results["0"] ?? 0) > 0, "some commands accepted");
      }
    });
  }
  for (const [entry, runs] of byEntry) {
    assert.deepEqual(runs.map((r) => r.host), METER_HOSTS, `${entry} ran on every engine`);
    const d = firstDisagreement(runs);
    assert.equal(d, null, d ? `${entry}: engines disagree on input ${d.index} (${d.input}): ${JSON.stringify(d.codes)}` : "");
  }
});

const pcsPosixMissing = requirement("the posix power-conditioner board", existsSync(posixExecutable("power-conditioner")), "npm run build");
const PCS_HOSTS: HostName[] = pcsPosixMissing ? ["ts"] : ["ts", ...nativeEngines()];

test("power conditioner: fixed-seed fuzz subset of every entry point (BLE frames in and out of a session, authentication information and acks, INSTALL and MAINTENANCE, buttons, timers) finds nothing on any engine, and the engines agree", async (t) => {
  const byEntry = new Map<string, EntryResult[]>();
  for (const host of PCS_HOSTS) {
    await t.test(host, async () => {
      for (const e of pcsEntryPoints()) {
        const r = await fuzzEntry({ image: "power-conditioner", entries: PCS, entry: e.name, host, seed: 1, inputs: PRINTER_SUBSET[host], hangMs: 2000 });
        byEntry.set(e.name, [...byEntry.get(e.name) ?? [], r]);
        assert.deepEqual(r.findings, [], `${e.name} on ${host}`);
        // Damaged frames reach their parsers and are refused; some sealed requests act.
        if (e.name === "LINK BLE" || e.name === "LINK SERVICE") assert.ok(Object.keys(r.results).some((k) => Number(k) < 0), `${e.name}: ${JSON.stringify(r.results)}`);
      }
    });
  }
  for (const [entry, runs] of byEntry) {
    assert.deepEqual(runs.map((r) => r.host), PCS_HOSTS, `${entry} ran on every engine`);
    const d = firstDisagreement(runs);
    assert.equal(d, null, d ? `${entry}: engines disagree on input ${d.index} (${d.input}): ${JSON.stringify(d.codes)}` : "");
  }
});

const lockPosixMissing = requirement("the posix lock board", existsSync(posixExecutable("lock")), "npm run build");
const LOCK_HOSTS: HostName[] = lockPosixMissing ? ["ts"] : ["ts", ...nativeEngines()];

test("lock: fixed-seed fuzz subset of every entry point (malformed BLE frames in and out of a session, time and revocation commands, INSTALL, the owner's button, the door sensor, timers) finds nothing on any engine, and the engines agree", async (t) => {
  const byEntry = new Map<string, EntryResult[]>();
  for (const host of LOCK_HOSTS) {
    await t.test(host, async () => {
      for (const e of lockEntryPoints()) {
        const r = await fuzzEntry({ image: "lock", entries: LOCK, entry: e.name, host, seed: 1, inputs: PRINTER_SUBSET[host], hangMs: 2000 });
        byEntry.set(e.name, [...byEntry.get(e.name) ?? [], r]);
        assert.deepEqual(r.findings, [], `${e.name} on ${host}`);
        // Damaged frames reach their parsers and are refused as malformed; some sealed
        // requests are opened and answered.
        if (e.name === "LINK BLE") assert.ok((r.results["-10"] ?? 0) > 0 && (r.results["0"] ?? 0) > 0, `${e.name}: ${JSON.stringify(r.results)}`);
        if (e.name === "LINK SERVICE") assert.ok(Object.keys(r.results).some((k) => Number(k) < 0), `${e.name}: ${JSON.stringify(r.results)}`);
      }
    });
  }
  for (const [entry, runs] of byEntry) {
    assert.deepEqual(runs.map((r) => r.host), LOCK_HOSTS, `${entry} ran on every engine`);
    const d = firstDisagreement(runs);
    assert.equal(d, null, d ? `${entry}: engines disagree on input ${d.index} (${d.input}): ${JSON.stringify(d.codes)}` : "");
  }
});
