// The TypeScript board: ABI checks, NOR flash, DRBG, crypto, and per-call behaviour.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { abiAtMinor, abiFunctionNames, checkImage, checkImageBytes } from "../host-sim/board/abi.ts";
import { burnEfuse, readEfuse, simulatedSlotKey } from "../host-sim/board/efuse.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { NorFlash, PowerCut } from "../host-sim/board/flash.ts";
import { Drbg } from "../host-sim/board/random.ts";
import * as cr from "../host-sim/board/crypto.ts";
import { TsDevice } from "../host-sim/board/ts-device.ts";
import { EventKind, type BoardTime } from "../host-sim/device/types.ts";
import { tempDir, wat } from "./fixtures/build.ts";

const dir = tempDir("ts-host");
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// ---- ABI checks
test("the ABI list is read from boards/abi/v1.json", () => {
  const names = abiFunctionNames();
  assert.equal(names.length, 34);
  assert.ok(names.includes("ecdsa_p256_verify") && names.includes("panic"));
  assert.ok(names.includes("hmac_sha256_keyslot"), "v1.1");
  assert.ok(names.includes("wifi_join") && names.includes("wifi_group"), "v1.2");
  assert.ok(names.includes("measure") && names.includes("udp_bind") && names.includes("udp_send"), "v1.3");
  assert.ok(names.includes("ecdh_p256_public") && names.includes("ecdh_p256_shared"));
});

for (const [fixture, message] of [
  ["refuse-env-abort", /image imports env\.abort, which is not in board ABI v1/],
  ["refuse-board-nope", /image imports board\.nope, which is not in board ABI v1/],
  ["refuse-global-kind", /image imports board\.flash_read as a global/],
  ["refuse-no-boot", /image does not export fw_boot/],
] as const) {
  test(`refuses ${fixture}: ${message.source}`, async () => {
    const bytes = readFileSync(wat(fixture, dir));
    assert.throws(() => checkImage(new WebAssembly.Module(bytes)), message);
    assert.throws(() => checkImageBytes(bytes), message);
    await assert.rejects(TsDevice.create({ image: join(dir, `${fixture}.wasm`), flashFile: join(dir, "x.bin") }), message);
  });
}

test("refuses a wrong import signature, naming the import and both types", async () => {
  const path = wat("refuse-bad-signature", dir);
  assert.throws(() => checkImageBytes(readFileSync(path)),
    /image imports board\.log with type \(i32\) -> i32, but board ABI v1 has \(i32, i32, i32\) -> nil/);
  await assert.rejects(TsDevice.create({ image: path, flashFile: join(dir, "x.bin") }), /board\.log/);
});

test("ABI v1.1: a v1.0 host refuses an image that imports the key-slot HMAC, by name", () => {
  const bytes = readFileSync(wasmImagePath("board-conformance"));
  const v10 = abiAtMinor(0);
  assert.equal(v10.functions.length, 28);
  assert.throws(() => checkImageBytes(bytes, v10), /image imports board\.hmac_sha256_keyslot, which is not in board ABI v1\.0/);
  assert.throws(() => checkImage(new WebAssembly.Module(bytes), v10), /board\.hmac_sha256_keyslot/);
  checkImageBytes(bytes);   // and this host (v1.1) takes it
});

test("key slots: burned once beside the flash file, never rewritten, blank slots read as null", () => {
  const file = join(dir, "slots.efuse");
  burnEfuse(file, "device A");
  burnEfuse(file, "device B");
  const keys = readEfuse(file);
  assert.deepEqual(keys[0], simulatedSlotKey("device A", 0));
  assert.deepEqual(keys.slice(1), [null, null, null]);
  assert.notDeepEqual(simulatedSlotKey("device A", 0), simulatedSlotKey("device B", 0));
  writeFileSync(file, new Uint8Array(100));
  assert.throws(() => readEfuse(file), /holds 128 bytes/);
});

// ---- NOR flash
test("NOR flash: created erased, write ANDs, erase restores 0xFF, range errors change nothing", () => {
  const file = join(dir, "nor.bin");
  const f = new NorFlash(file, 2);
  assert.equal(readFileSync(file).length, 8192);
  assert.ok(readFileSync(file).every((b) => b === 0xff));
  assert.equal(f.write(10, Uint8Array.of(0xf0, 0x0f)), 0);
  assert.equal(f.write(10, Uint8Array.of(0x3c, 0x3c)), 0);
  const r = new Uint8Array(2);
  f.read(10, r);
  assert.deepEqual([...r], [0x30, 0x0c]);
  f.flush();
  assert.deepEqual([...readFileSync(file).subarray(10, 12)], [0x30, 0x0c], "flushed to the file");
  assert.equal(f.write(8191, Uint8Array.of(0, 0)), -2);
  assert.equal(f.write(-1, Uint8Array.of(0)), -2);
  assert.equal(f.read(8190, new Uint8Array(3)), -2);
  assert.equal(f.erase(2), -2);
  assert.equal(f.ops, 2, "refused operations are not counted");
  assert.equal(f.erase(0), 0);
  f.flush();
  assert.ok(readFileSync(file).subarray(0, 4096).every((b) => b === 0xff));
  assert.deepEqual(f.erasesPerPage, [1, 0]);
  assert.equal(f.ops, 3);
  f.close();
  const again = new NorFlash(file, 2);
  assert.equal(again.write(4096, Uint8Array.of(0)), 0);
  again.close();
  assert.equal(new NorFlash(file, 2).snapshot()[4096], 0, "an existing file is reopened, not erased");
});

test("NOR flash: the file catches up by itself once the synchronous job that wrote ends", async () => {
  const file = join(dir, "batched.bin");
  const f = new NorFlash(file, 2);
  for (let i = 0; i < 100; i++) f.write(4000 + i, Uint8Array.of(0x5a));   // across the page boundary
  f.erase(1);
  f.write(4096, Uint8Array.of(0x12));
  assert.equal(f.snapshot()[4096], 0x12, "the chip itself changes at once");
  await Promise.resolve();
  const b = readFileSync(file);
  assert.ok(b.subarray(4000, 4096).every((x) => x === 0x5a));
  assert.deepEqual([...b.subarray(4096, 4098)], [0x12, 0xff], "the erase and the write after it, in order");
  f.close();
});

test("NOR flash without a file: in memory, erased, same rules", () => {
  const f = new NorFlash(null, 1);
  assert.ok(f.snapshot().every((x) => x === 0xff));
  assert.equal(f.write(0, Uint8Array.of(0x0f)), 0);
  assert.equal(f.write(0, Uint8Array.of(0xf1)), 0);
  assert.equal(f.snapshot()[0], 0x01);
  assert.equal(f.poke(0, Uint8Array.of(0xff)), 0, "a programmer can set bits back");
  assert.equal(f.snapshot()[0], 0xff);
  assert.equal(f.ops, 2, "a poke is not a board operation");
  f.close();
});

test("fault injection: a write cut after K bytes leaves exactly K bytes in the file", () => {
  const file = join(dir, "cut-write.bin");
  const f = new NorFlash(file, 1, { cutAt: 2, cutKeep: 3 });
  f.write(0, Uint8Array.of(1, 1, 1, 1, 1));
  assert.throws(() => f.write(0, Uint8Array.of(0, 0, 0, 0, 0)), (e: unknown) => e instanceof PowerCut && e.op === 2);
  f.close();
  assert.deepEqual([...readFileSync(file).subarray(0, 6)], [0, 0, 0, 1, 1, 0xff]);
});

test("fault injection: an erase cut after K bytes erases only the page's first K bytes", () => {
  const file = join(dir, "cut-erase.bin");
  writeFileSync(file, new Uint8Array(8192)); // all zeros
  const f = new NorFlash(file, 2, { cutAt: 1, cutKeep: 100 });
  assert.throws(() => f.erase(1), PowerCut);
  f.close();
  const b = readFileSync(file);
  assert.ok(b.subarray(4096, 4196).every((x) => x === 0xff));
  assert.ok(b.subarray(4196).every((x) => x === 0) && b.subarray(0, 4096).every((x) => x === 0));
});

// ---- DRBG
test("DRBG: SHA-256(seed LE64 || counter LE64), consumed in order across calls", () => {
  const block = (seed: bigint, ctr: bigint) => {
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(seed); b.writeBigUInt64LE(ctr, 8);
    return createHash("sha256").update(b).digest();
  };
  const d = new Drbg(7);
  const a = new Uint8Array(5), b = new Uint8Array(40);
  d.fill(a); d.fill(b);
  const expected = Buffer.concat([block(7n, 0n), block(7n, 1n)]).subarray(0, 45);
  assert.equal(toHex(a) + toHex(b), expected.toString("hex"));
  const same = new Uint8Array(45), other = new Uint8Array(45);
  new Drbg(7).fill(same); new Drbg(8).fill(other);
  assert.equal(toHex(same), expected.toString("hex"));
  assert.notEqual(toHex(other), toHex(same));
});

// ---- crypto, public vectors
test("SHA-256 of 'abc' (FIPS 180-2, appendix B.1)", () => {
  assert.equal(toHex(cr.sha256(new TextEncoder().encode("abc"))),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("HMAC-SHA-256 (RFC 4231, test case 2)", () => {
  const enc = new TextEncoder();
  assert.equal(toHex(cr.hmacSha256(enc.encode("Jefe"), enc.encode("what do ya want for nothing?"))),
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
});

test("AES-GCM (McGrew & Viega, 'The Galois/Counter Mode of Operation', test case 2)", () => {
  const key = new Uint8Array(16), iv = new Uint8Array(12), pt = new Uint8Array(16), aad = new Uint8Array(0);
  const sealed = cr.aeadSeal(key, iv, aad, pt) as Uint8Array;
  assert.equal(toHex(sealed), "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf");
  assert.equal(toHex(cr.aeadOpen(key, iv, aad, sealed) as Uint8Array), toHex(pt));
  const tampered = sealed.slice(); tampered[3] ^= 1;
  assert.equal(cr.aeadOpen(key, iv, aad, tampered), -6);
  assert.equal(cr.aeadOpen(key, iv, Uint8Array.of(1), sealed), -6, "AAD is authenticated");
  assert.equal(cr.aeadSeal(new Uint8Array(24), iv, aad, pt), -1);
  assert.equal(cr.aeadOpen(key, iv, aad, new Uint8Array(15)), -6);
});

test("ECDSA P-256: valid, wrong message, bad key", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const pub = Uint8Array.from([4, ...Buffer.from(jwk.x!, "base64url"), ...Buffer.from(jwk.y!, "base64url")]);
  const msg = new TextEncoder().encode("firmware");
  const sig = sign("sha256", msg, { key: privateKey, dsaEncoding: "ieee-p1363" });
  assert.equal(cr.ecdsaP256Verify(pub, msg, sig), 0);
  assert.equal(cr.ecdsaP256Verify(pub, new TextEncoder().encode("firmwarE"), sig), -6);
  const offCurve = pub.slice(); offCurve[64] ^= 1;
  assert.equal(cr.ecdsaP256Verify(offCurve, msg, sig), -1);
  assert.equal(cr.ecdsaP256Verify(Uint8Array.of(2, ...pub.subarray(1)), msg, sig), -1);
});

// RFC 5903 section 8.1 (ECDH with P-256): i, g^i; r, g^r; and the shared g^ir x.
const rfcHex = (s: string) => fromHex(s.replace(/\s+/g, ""));
const RFC5903 = {
  i: rfcHex("C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433"),
  gi: rfcHex("04" + "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180"
    + "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3"),
  r: rfcHex("C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53"),
  gr: rfcHex("04" + "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63"
    + "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB"),
  girx: rfcHex("D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE"),
};

test("ECDH P-256 (RFC 5903, section 8.1): both public keys and the shared secret", () => {
  assert.equal(toHex(cr.ecdhP256Public(RFC5903.i) as Uint8Array), toHex(RFC5903.gi));
  assert.equal(toHex(cr.ecdhP256Public(RFC5903.r) as Uint8Array), toHex(RFC5903.gr));
  assert.equal(toHex(cr.ecdhP256Shared(RFC5903.i, RFC5903.gr) as Uint8Array), toHex(RFC5903.girx));
  assert.equal(toHex(cr.ecdhP256Shared(RFC5903.r, RFC5903.gi) as Uint8Array), toHex(RFC5903.girx));
});

test("ECDH P-256: private keys outside 1..n-1 and bad peer points are E_INVAL", () => {
  const n = fromHex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  const nMinus1 = n.slice(); nMinus1[31] -= 1;
  const one = new Uint8Array(32); one[31] = 1;
  assert.equal(cr.ecdhP256Public(new Uint8Array(32)), -1, "zero");
  assert.equal(cr.ecdhP256Public(n), -1, "the group order");
  assert.equal(cr.ecdhP256Public(new Uint8Array(32).fill(0xff)), -1, "above the order");
  assert.equal(cr.ecdhP256Public(new Uint8Array(31).fill(1)), -1, "short key");
  assert.equal(toHex((cr.ecdhP256Public(one) as Uint8Array).subarray(1, 33)),
    "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", "1 * G is the base point");
  assert.equal((cr.ecdhP256Public(nMinus1) as Uint8Array).length, 65, "n - 1 is the largest key");
  assert.equal(cr.ecdhP256Shared(new Uint8Array(32), RFC5903.gr), -1);
  const offCurve = RFC5903.gr.slice(); offCurve[64] ^= 1;
  assert.equal(cr.ecdhP256Shared(RFC5903.i, offCurve), -1, "not on the curve");
  assert.equal(cr.ecdhP256Shared(RFC5903.i, Uint8Array.of(2, ...RFC5903.gr.subarray(1))), -1, "not uncompressed");
  assert.equal(cr.ecdhP256Shared(RFC5903.i, RFC5903.gr.subarray(0, 33)), -1, "short key");
  assert.equal(cr.ecdhP256Shared(RFC5903.i, new Uint8Array(65)), -1, "all zero");
});

// ---- one power-on, call by call (test/fixtures/board-calls.wat)
const T: BoardTime = { nowMs: 1234, wallMs: -1 };
const button = (dev: TsDevice, n: number) => dev.event(T, { kind: EventKind.BUTTON, arg: n });

test("TS device: per-call rules, outputs and result codes", async () => {
  const dev = await TsDevice.create({ image: wat("board-calls", dir), flashFile: join(dir, "calls.bin") });
  assert.deepEqual(await dev.boot(T), { outputs: [], result: 1234 }, "clock_now_ms is the time given");
  assert.deepEqual(await button(dev, 1), { outputs: [], result: -1 }, "TAMPER_SWITCH is an input");
  assert.deepEqual(await button(dev, 2), { outputs: [{ t: "gpio", pin: 0, level: 1 }], result: 0 });
  assert.equal((await button(dev, 3)).result, 1, "an output pin reads back its last level");
  assert.equal((await button(dev, 4)).result, 0);
  await dev.event(T, { kind: EventKind.GPIO, arg: 3 | (1 << 8) });
  assert.equal((await button(dev, 4)).result, 1, "a GPIO event sets the input level");
  assert.deepEqual(await button(dev, 5), { outputs: [], result: -2 }, "display text over 1024 bytes");
  assert.deepEqual(await button(dev, 18), { outputs: [{ t: "display", text: "hello" }], result: 0 });
  assert.deepEqual(await button(dev, 6), { outputs: [], result: -1 }, "link 6 does not exist (CARD, 5, is the last)");
  assert.deepEqual(await button(dev, 7), { outputs: [], result: -2 }, "buffer past linear memory");
  assert.deepEqual(await button(dev, 8), { outputs: [], result: -3 }, "publish while disconnected");
  assert.deepEqual(await button(dev, 10), { outputs: [{ t: "mqtt_connect", client: "hello", user: "hello", pass: new TextEncoder().encode("hello") }], result: 0 });
  await dev.event(T, { kind: EventKind.MQTT_STATE, arg: 1 });
  assert.equal((await button(dev, 10)).result, -3, "connect while connected");
  assert.deepEqual(await button(dev, 9), { outputs: [{ t: "mqtt_subscribe", pid: 1, qos: 1, topic: "hello" }], result: 1 });
  assert.equal((await button(dev, 8)).result, 2, "qos 1 publish takes the next packet id");
  assert.deepEqual(await button(dev, 17), { outputs: [{ t: "mqtt_publish", pid: 0, qos: 0, retain: true, topic: "hello", payload: new TextEncoder().encode("hello") }], result: 0 });
  assert.equal((await button(dev, 9)).result, 3);
  assert.deepEqual(await button(dev, 15), { outputs: [{ t: "mqtt_disconnect" }], result: 0 });
  assert.equal((await button(dev, 8)).result, -3, "disconnect clears the connected flag");
  const log = await button(dev, 11);
  assert.equal(log.outputs.length, 1);
  assert.deepEqual(log.outputs[0], { t: "log", level: 2, text: "a".repeat(256) });
  assert.deepEqual(await button(dev, 12), { outputs: [], result: -1 }, "timer id 16");
  assert.deepEqual(await button(dev, 16), { outputs: [], result: -2 }, "sha256 output past memory");
  assert.deepEqual(await button(dev, 19), { outputs: [], result: -2 }, "ecdh public key output past memory");
  assert.deepEqual(await button(dev, 20), { outputs: [], result: -2 }, "ecdh peer key past memory");
  assert.deepEqual(await button(dev, 21), { outputs: [], result: -1 }, "ecdh private key 0 (32 zero bytes at 512)");
  const echo = await dev.event(T, { kind: EventKind.LINK, arg: 0, payload: Uint8Array.of(9, 8, 7) });
  assert.deepEqual(echo, { outputs: [{ t: "link", link: 0, data: Uint8Array.of(9, 8, 7) }], result: 0 });
  assert.deepEqual(await dev.event(T, { kind: EventKind.LINK, arg: 0, payload: new Uint8Array(2049) }),
    { outputs: [], result: -2 }, "a payload larger than the inbox is not delivered");
  assert.deepEqual(await button(dev, 14), { outputs: [{ t: "panic", line: 7, col: 9, text: "hello" }], result: null });
  await assert.rejects(button(dev, 2), /device is down \(panic\)/);
  await dev.close();
});

test("TS device: events of kinds the ABI does not define are refused unseen (E_INVAL)", async () => {
  const dev = await TsDevice.create({ image: wat("board-calls", dir), flashFile: join(dir, "kinds.bin") });
  await dev.boot(T);
  for (const kind of [0, 10, 255, 256, -1, 1.5]) {
    assert.deepEqual(await dev.event(T, { kind, arg: 2 }), { outputs: [], result: -1 }, `kind ${kind}`);
  }
  assert.deepEqual(await button(dev, 2), { outputs: [{ t: "gpio", pin: 0, level: 1 }], result: 0 }, "a BUTTON still arrives");
  await dev.close();
});

test("TS device: a trap is a panic at 0:0 with the trap's message", async () => {
  const dev = await TsDevice.create({ image: wat("board-calls", dir), flashFile: join(dir, "calls.bin") });
  await dev.boot(T);
  const r = await button(dev, 13);
  assert.equal(r.result, null);
  assert.equal(r.outputs.length, 1);
  assert.match(JSON.stringify(r.outputs[0]), /"t":"panic","line":0,"col":0,"text":"unreachable/);
  await dev.close();
  assert.ok(existsSync(join(dir, "calls.bin")));
});

test("TS device: MQTT packet ids wrap from 65535 to 1", async () => {
  const dev = await TsDevice.create({ image: wat("board-calls", dir), flashFile: join(dir, "calls.bin") });
  await dev.boot(T);
  let last = 0;
  for (let i = 0; i < 65536; i++) last = (await button(dev, 9)).result!;
  assert.equal(last, 1);
  await dev.close();
});
