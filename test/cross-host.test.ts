// The same image, the same inputs, every host: the TypeScript host and the native C board
// under each engine (wasm2c, and WAMR fast and classic when built: test/support/engines.ts)
// must produce identical traces and identical flash images.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenario, traceToJson, type Scenario, type ScenarioRun } from "../host-sim/scenario/index.ts";
import { CONFORMANCE_KEY_SEED, KEYSLOT_MESSAGE, conformanceScenario } from "../host-sim/appliances/board-conformance/scenario.ts";
import { simulatedSlotKey } from "../host-sim/board/efuse.ts";
import { abiAtMinor } from "../host-sim/board/abi.ts";
import { renderAbiTables, type AbiJson } from "../scripts/gen-abi-c-tables.ts";
import { credentialStoreScenario } from "../host-sim/appliances/devkit/scenarios/credential-store.ts";
import { APPLIANCES } from "../host-sim/appliances/index.ts";
import { nativeEngines } from "./support/engines.ts";

const ENGINES = nativeEngines();

/** The TypeScript run, then one run per native engine. */
async function onAllHosts(s: Scenario, cut?: { cutAt: number; cutKeep: number }): Promise<[ScenarioRun, ScenarioRun[]]> {
  const dir = mkdtempSync(join(tmpdir(), "xhost-"));
  const ts = await runScenario(s, { host: "ts", dir: join(dir, "ts"), ...cut });
  const natives: ScenarioRun[] = [];
  for (const host of ENGINES) natives.push(await runScenario(s, { host, dir: join(dir, host), ...cut }));
  return [ts, natives];
}

function assertSame(ts: ScenarioRun, natives: ScenarioRun[]) {
  assert.deepEqual(ts.failures, []);
  for (const px of natives) {
    assert.deepEqual(px.failures, [], `failures on ${px.host}`);
    assert.deepEqual(traceToJson(px), traceToJson(ts), `trace on ${px.host}`);
    assert.ok(readFileSync(px.flashFile).equals(readFileSync(ts.flashFile)), `final flash images differ on ${px.host}`);
  }
}

const linkData = (run: ScenarioRun, label: string) =>
  run.calls.filter((c) => c.label === label).flatMap((c) => c.outputs).filter((o) => o.t === "link").map((o) => Buffer.from((o as { data: Uint8Array }).data));

test("board conformance: every host agrees call for call", async () => {
  const [ts, px] = await onAllHosts(conformanceScenario());
  assertSame(ts, px);
  // Published vectors: FIPS 180-2 B.1, RFC 4231 test case 2, GCM spec test cases 2 and 14.
  const crypto = linkData(ts, "crypto vectors").map((b) => b.toString("hex"));
  assert.equal(crypto[0], "0101" + "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(crypto[1], "0102" + "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  assert.equal(crypto[2], "0103" + "20000000" + "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf");
  assert.equal(crypto[5], "0106" + "20000000" + "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919");
  assert.equal(crypto[4], "0105" + "faffffff", "a tampered tag must fail with E_AUTH");
  assert.deepEqual(linkData(ts, "ecdsa valid")[0], Buffer.from("0200000000", "hex"));
  assert.deepEqual(linkData(ts, "ecdsa wrong message")[0], Buffer.from("02faffffff", "hex"));
  // ECDH P-256, RFC 5903 section 8.1: private key i and the responder's g^r go in; out come
  // g^i (x, y) and the shared g^ir x, then the refusal codes (E_INVAL -1, E_RANGE -2).
  const ecdh = linkData(ts, "ecdh p-256").map((b) => b.toString("hex"));
  const rfc = (s: string) => s.replace(/\s+/g, "").toLowerCase();
  assert.equal(ecdh.length, 5);
  assert.equal(ecdh[0], "0b01" + "00000000" + "04" +
    rfc("DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180") +
    rfc("5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3"), "g^i");
  assert.equal(ecdh[1], "0b02" + "00000000" +
    rfc("D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE"), "g^ir x");
  assert.equal(ecdh[2], "0b03" + "ffffffff".repeat(3), "private keys 0 and >= n are refused");
  assert.equal(ecdh[3], "0b04" + "ffffffff".repeat(2) + "00".repeat(32), "bad peer points: refused, nothing written");
  assert.equal(ecdh[4], "0b05" + "feffffff".repeat(3), "buffers outside linear memory");
  assert.deepEqual(linkData(ts, "ecdh request too short")[0], Buffer.from("eef6", "hex"));
  // ABI v1.1 key slot 0: the MAC under the key the device's factory burned (known to the
  // controller, never to the image), twice the same; slot 1 is blank (E_NOTFOUND, nothing
  // written); slots 4 and -1 do not exist (E_INVAL); buffers outside memory (E_RANGE).
  const mac = createHmac("sha256", simulatedSlotKey(CONFORMANCE_KEY_SEED, 0)).update(KEYSLOT_MESSAGE).digest("hex");
  const slots = linkData(ts, "key slots").map((b) => b.toString("hex"));
  assert.deepEqual(slots, ["0c01" + "00000000" + mac, "0c02" + "00000000" + mac, "0c03" + "fbffffff" + "00".repeat(32),
    "0c04" + "ffffffff".repeat(2) + "feffffff".repeat(2)]);
  // MQTT limits (ABI.md "MQTT"): QoS > 2 is E_INVAL, oversize is E_RANGE, state first.
  const limits = (label: string) => {
    const b = linkData(ts, label)[0];
    assert.equal(b[0], 0x0d);
    return Array.from({ length: (b.length - 1) / 4 }, (_, i) => b.readInt32LE(1 + 4 * i));
  };
  assert.deepEqual(limits("mqtt limits while disconnected"), [-1, -1, -2, -3, -3, -3, -2, -2, -2, 2, -3]);
  assert.deepEqual(limits("mqtt limits while connected"), [-1, -1, -2, -1, -2, -2, -3, -3, -3, 5, 0]);
  const sent = ts.calls.filter((c) => c.label === "mqtt limits while connected").flatMap((c) => c.outputs);
  assert.deepEqual(sent.map((o) => o.t), ["mqtt_subscribe", "mqtt_publish", "link"], "only the calls within the limits go out");
  // Events of kinds the ABI does not define never reach the image (it would answer 0xEF).
  for (const k of [0, 10, 255, 256]) {
    const c = ts.calls.find((x) => x.label === `event kind ${k}`)!;
    assert.deepEqual({ outputs: c.outputs, result: c.result }, { outputs: [], result: -1 });
  }
  // measure (ABI v1.3) reads the scenario's load model on every host: 1000 W on IMPORT
  // for the 1.5 s the scenario has run (0.4 Wh: the register still reads its start).
  const m = linkData(ts, "measure")[0];
  assert.equal(m[0], 0x0e);
  assert.deepEqual([0, 1, 2].map((c) => [m.readInt32LE(1 + 16 * c), m.readInt32LE(5 + 16 * c), Number(m.readBigInt64LE(9 + 16 * c))]),
    [[0, 1000, 123_456], [0, 0, 0], [-5, 0, 0]]);
  const r1 = linkData(ts, "random bytes")[0], r2 = linkData(ts, "random bytes after power cycle")[0];
  assert.notDeepEqual(r1, r2, "each power-on gets its own random stream");
});

// An appliance's scenarios are checked on both hosts by being in the registry.
for (const a of APPLIANCES) {
  for (const [name, scenario] of Object.entries(a.scenarios)) {
    test(`${a.name}, ${name}: every host agrees, flash byte for byte`, async () => {
      const [ts, px] = await onAllHosts(scenario());
      assertSame(ts, px);
    });
  }
}

test("a power cut lands identically on every host", async () => {
  const s = credentialStoreScenario();
  for (const cutAt of [5, 23, 47, 71]) {
    const [ts, natives] = await onAllHosts(s, { cutAt, cutKeep: 3 });
    assert.ok(ts.cut, `power cut at op ${cutAt}`);
    for (const px of natives) {
      assert.ok(px.cut, `power cut at op ${cutAt} on ${px.host}`);
      assert.deepEqual(traceToJson(px), traceToJson(ts), `trace after a cut at op ${cutAt} on ${px.host}`);
      assert.ok(readFileSync(px.flashFile).equals(readFileSync(ts.flashFile)), `flash after a cut at op ${cutAt} on ${px.host}`);
    }
  }
});

test("posix abi-check: a v1.0 board refuses an image that imports the v1.1 key slot, by name", () => {
  const dir = mkdtempSync(join(tmpdir(), "abi10-"));
  // The tool's source beside a v1.0 header: a quoted include finds the source's own
  // directory first, so it must not see the committed v1.1 header.
  writeFileSync(join(dir, "abi_v1.h"), renderAbiTables(abiAtMinor(0) as AbiJson));
  copyFileSync(join(import.meta.dirname, "..", "boards", "posix", "abi_check.c"), join(dir, "abi_check.c"));
  const check = join(dir, "abi-check");
  execFileSync("gcc", ["-O2", "-o", check, join(dir, "abi_check.c")]);
  const image = join(import.meta.dirname, "..", "build", "images", "board-conformance.wasm");
  const old = spawnSync(check, [image], { encoding: "utf8" });
  assert.equal(old.status, 78);
  assert.match(old.stderr, /import "board\.hmac_sha256_keyslot" is not in board ABI v1\.0/);
  const now = spawnSync(join(import.meta.dirname, "..", "build", "posix", "abi-check"), [image], { encoding: "utf8" });
  assert.equal(now.status, 0, now.stderr);
  rmSync(dir, { recursive: true, force: true });
});
