// board-conformance: a board-porting aid. Run it on a new board and drive it over the
// SERVICE link (link 0): each command exercises one group of ABI functions and sends the
// raw results back, so the controller can compare them with known answers or with
// another host. It imports every board ABI function (through ../../board) and is fully
// deterministic: the same inputs and seed give the same outputs on any correct host.
//
// Request: LINK event on link 0, first byte = command (0x0E-0x10 and the UDP and CARD
// events probe ABI v1.3, v13.ts). Replies are link-0 frames that
// start with the command byte; integers in replies are little-endian (i32 unless noted).
import * as abi from "../../board/abi";
import {
  Event, Link, Pin, Level, ptr, utf8, nowMs, wallMs, setTimer, cancelTimer, randomBytes,
  flashPageSize, flashPageCount, flashRead, flashWrite, flashErase, log, logInfo, show, compose,
  gpioWrite, gpioRead, linkSend, mqttConnect, mqttSubscribe, mqttPublish, mqttDisconnect,
  sha256, hmacSha256, ecdsaP256Verify, MAX_DISPLAY_TEXT, settle,
} from "../../board";
import { inboxBytes } from "../../board/entry";
import { Qos, MAX_TOPIC, MAX_PAYLOAD, MAX_LOGIN_FIELD } from "../../board/constants";
import { E_MALFORMED } from "../../core/errors";
import "../../board/abort"; // the compiler's abort lands in boardAbort (asconfig "use")
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

import { Reply } from "./reply";
import { measureProbe, udpProbe, cardProbe, onUdp, onCard } from "./v13";

export function fw_boot(): i32 {
  logInfo("board-conformance boot");
  compose().add("board-conformance\nabi ").num(abi.abi_version()).show();
  settle();
  return 0;
}

/** What this image answers to an event of a kind the ABI does not define: a host that
 *  delivers one shows up in the trace (every host must refuse it unseen, ABI.md). */
const UNKNOWN_KIND_SEEN: i32 = 0x7E57;

export function fw_event(kind: i32, arg: i32, len: i32): i32 {
  const rc = event(kind, arg, len);
  settle();
  return rc;
}

function event(kind: i32, arg: i32, len: i32): i32 {
  if (kind < Event.FIRST || kind > Event.LAST) { new Reply(0xEF).i32(kind).send(); return UNKNOWN_KIND_SEEN; }
  if (kind == Event.TIMER) { new Reply(0x10).u8(arg).send(); return 0; }
  if (kind == Event.MQTT_MESSAGE) {
    new Reply(0x11).i32(arg).i32(len - arg).send();
    return 0;
  }
  if (kind == Event.UDP) { onUdp(arg, inboxBytes(len)); return 0; }
  if (kind == Event.LINK && arg == Link.CARD) { onCard(inboxBytes(len)); return 0; }
  if (kind != Event.LINK || arg != Link.SERVICE) return 0;
  const req = inboxBytes(len);
  const cmd = len > 0 ? <i32>req[0] : -1;
  switch (cmd) {
    case 0x01: cryptoVectors(); return 0;
    case 0x02: if (len >= 1 + 65 + 64) { ecdsa(req); return 0; } break;
    case 0x03: new Reply(0x03).bytes(randomBytes(32)).send(); return 0;
    case 0x04: flash(); return 0;
    case 0x05: gpio(); return 0;
    case 0x06: timers(); return 0;
    case 0x07: mqtt(); return 0;
    case 0x08: new Reply(0x08).i64(nowMs()).i64(wallMs()).send(); return 0;
    case 0x09: display(); return 0;
    case 0x0A: logs(); return 0;
    case 0x0B: if (len >= 1 + 32 + 65) { ecdh(req); return 0; } break;
    case 0x0C: keySlots(); return 0;
    case 0x0D: mqttLimits(); return 0;
    case 0x0E: measureProbe(); return 0;
    case 0x0F: udpProbe(); return 0;
    case 0x10: cardProbe(); return 0;
  }
  // Unknown command or short request: say so and change nothing.
  new Reply(0xEE).u8(E_MALFORMED).send();
  return E_MALFORMED;
}

function bytesOf(s: string): Uint8Array { return utf8(s); }

/** Public known-answer vectors: FIPS 180-2 "abc", RFC 4231 case 2, GCM spec cases 2 and 14. */
function cryptoVectors(): void {
  new Reply(0x01).u8(1).bytes(sha256(bytesOf("abc"))).send();
  new Reply(0x01).u8(2).bytes(hmacSha256(bytesOf("Jefe"), bytesOf("what do ya want for nothing?"))).send();
  gcmCase(3, 16);  // GCM test case 2: AES-128, zero key/IV, 16 zero bytes
  gcmCase(6, 32);  // GCM test case 14: AES-256, same
  // A key of a length AES does not have must be refused (E_INVAL).
  const key = new Uint8Array(20), nonce = new Uint8Array(12), plain = new Uint8Array(16);
  const out = new Uint8Array(32);
  new Reply(0x01).u8(9).i32(abi.aead_seal(ptr(key), 20, ptr(nonce), ptr(plain), 0, ptr(plain), 16, ptr(out))).send();
}

/** Sends seal (sub), open (sub+1) and tampered-tag open (sub+2) of the all-zero case. */
function gcmCase(sub: i32, keyLen: i32): void {
  const key = new Uint8Array(keyLen), nonce = new Uint8Array(12), plain = new Uint8Array(16);
  const aad = new Uint8Array(0);
  const sealed = new Uint8Array(32), opened = new Uint8Array(16);
  let r = abi.aead_seal(ptr(key), keyLen, ptr(nonce), ptr(aad), 0, ptr(plain), 16, ptr(sealed));
  new Reply(0x01).u8(sub).i32(r).bytes(sealed).send();
  r = abi.aead_open(ptr(key), keyLen, ptr(nonce), ptr(aad), 0, ptr(sealed), 32, ptr(opened));
  new Reply(0x01).u8(sub + 1).i32(r).bytes(opened).send();
  sealed[31] ^= 1;
  r = abi.aead_open(ptr(key), keyLen, ptr(nonce), ptr(aad), 0, ptr(sealed), 32, ptr(opened));
  new Reply(0x01).u8(sub + 2).i32(r).send();
}

/** Request: 0x02 pub(65) sig(64) message. Reply: 0x02 result. */
function ecdsa(req: Uint8Array): void {
  const pub = req.slice(1, 66), sig = req.slice(66, 130), msg = req.slice(130);
  new Reply(0x02).i32(ecdsaP256Verify(pub, msg, sig)).send();
}

/** Request: 0x0B priv(32) peer_pub(65). Replies (0x0B, sub, ...):
 *  1: result, the public key of priv (65)
 *  2: result, the shared X coordinate with peer_pub (32)
 *  3: results for bad private keys: public(0), public(2^256-1), shared(0, peer_pub)
 *  4: results for bad peer keys (Y changed: off the curve; prefix 0x02), then the 32 out
 *     bytes after the off-curve call (a refused call writes nothing: all zero)
 *  5: results for buffers outside linear memory: public out, shared peer, shared out */
function ecdh(req: Uint8Array): void {
  const priv = req.slice(1, 33), peer = req.slice(33, 98);
  const pub = new Uint8Array(65), shared = new Uint8Array(32);
  let r = abi.ecdh_p256_public(ptr(priv), ptr(pub));
  new Reply(0x0B).u8(1).i32(r).bytes(pub).send();
  r = abi.ecdh_p256_shared(ptr(priv), ptr(peer), ptr(shared));
  new Reply(0x0B).u8(2).i32(r).bytes(shared).send();

  const zero = new Uint8Array(32), big = new Uint8Array(32), scratch = new Uint8Array(65);
  big.fill(0xFF);
  new Reply(0x0B).u8(3)
    .i32(abi.ecdh_p256_public(ptr(zero), ptr(scratch)))
    .i32(abi.ecdh_p256_public(ptr(big), ptr(scratch)))
    .i32(abi.ecdh_p256_shared(ptr(zero), ptr(peer), ptr(scratch))).send();

  const offCurve = peer.slice(), compressed = peer.slice(), untouched = new Uint8Array(32);
  offCurve[64] ^= 1;
  compressed[0] = 0x02;
  const rOff = abi.ecdh_p256_shared(ptr(priv), ptr(offCurve), ptr(untouched));
  const rComp = abi.ecdh_p256_shared(ptr(priv), ptr(compressed), ptr(scratch));
  new Reply(0x0B).u8(4).i32(rOff).i32(rComp).bytes(untouched).send();

  const outside: usize = 0xFFFFFFC0;
  new Reply(0x0B).u8(5)
    .i32(abi.ecdh_p256_public(ptr(priv), outside))
    .i32(abi.ecdh_p256_shared(ptr(priv), outside, ptr(scratch)))
    .i32(abi.ecdh_p256_shared(ptr(priv), ptr(peer), outside)).send();
}

/** ABI v1.1 key slots. Reply 0x0C: result and MAC of slot 0 over KEYSLOT_MESSAGE (the
 *  controller knows the key its factory burned and checks the MAC), the same call again
 *  (must be the same MAC), slot 1 (blank: E_NOTFOUND, out untouched = zeros), slots 4 and
 *  -1 (E_INVAL), then buffers outside linear memory (E_RANGE for data, then out). */
const KEYSLOT_MESSAGE = "board-conformance: key slot";
function keySlots(): void {
  const msg = bytesOf(KEYSLOT_MESSAGE);
  const a = new Uint8Array(32), b = new Uint8Array(32), blank = new Uint8Array(32);
  const ra = abi.hmac_sha256_keyslot(0, ptr(msg), msg.length, ptr(a));
  const rb = abi.hmac_sha256_keyslot(0, ptr(msg), msg.length, ptr(b));
  new Reply(0x0C).u8(1).i32(ra).bytes(a).send();
  new Reply(0x0C).u8(2).i32(rb).bytes(b).send();
  const rBlank = abi.hmac_sha256_keyslot(1, ptr(msg), msg.length, ptr(blank));
  new Reply(0x0C).u8(3).i32(rBlank).bytes(blank).send();
  const outside: usize = 0xFFFFFFC0;
  new Reply(0x0C).u8(4)
    .i32(abi.hmac_sha256_keyslot(4, ptr(msg), msg.length, ptr(b)))
    .i32(abi.hmac_sha256_keyslot(-1, ptr(msg), msg.length, ptr(b)))
    .i32(abi.hmac_sha256_keyslot(0, outside, 64, ptr(b)))
    .i32(abi.hmac_sha256_keyslot(0, ptr(msg), msg.length, outside)).send();
}

/** The MQTT limits every host keeps (ABI.md, "MQTT"): QoS above 2 (E_INVAL), a topic over
 *  256 bytes, a payload over 3072 bytes, a login field over 256 bytes (E_RANGE), and the
 *  largest call that is allowed. Run it disconnected and connected: the order of the
 *  checks (state first for connect and publish) is part of the rule. */
function mqttLimits(): void {
  const T = MAX_TOPIC, P = MAX_PAYLOAD, F = MAX_LOGIN_FIELD, BAD_QOS = Qos.LAST + 1;
  const longTopic = new Uint8Array(T + 1), topic = new Uint8Array(T);
  longTopic.fill(0x74);
  topic.fill(0x74);
  const big = new Uint8Array(P + 1), full = new Uint8Array(P), field = new Uint8Array(F + 1), one = new Uint8Array(1);
  big.fill(0x70);
  full.fill(0x70);
  field.fill(0x66);
  one[0] = 0x31;
  const r = new Reply(0x0D);
  r.i32(abi.mqtt_subscribe(ptr(one), 1, BAD_QOS));
  r.i32(abi.mqtt_subscribe(ptr(one), 1, -1));
  r.i32(abi.mqtt_subscribe(ptr(longTopic), T + 1, 0));
  r.i32(abi.mqtt_publish(ptr(one), 1, ptr(one), 1, BAD_QOS, 0));
  r.i32(abi.mqtt_publish(ptr(longTopic), T + 1, ptr(one), 1, 0, 0));
  r.i32(abi.mqtt_publish(ptr(one), 1, ptr(big), P + 1, 1, 0));
  r.i32(abi.mqtt_connect(ptr(field), F + 1, ptr(one), 1, ptr(one), 1));
  r.i32(abi.mqtt_connect(ptr(one), 1, ptr(field), F + 1, ptr(one), 1));
  r.i32(abi.mqtt_connect(ptr(one), 1, ptr(one), 1, ptr(field), F + 1));
  // At the limits: accepted (a packet id, or 0 for QoS 0) once connected.
  r.i32(abi.mqtt_subscribe(ptr(topic), T, Qos.LAST));
  r.i32(abi.mqtt_publish(ptr(topic), T, ptr(full), P, 0, 0));
  r.send();
}

/** NOR semantics on page 1: erase, write, overlapping write (bits only clear), read back. */
function flash(): void {
  const ps = flashPageSize(), pc = flashPageCount(), base = ps;
  const a = new Uint8Array(16), b = new Uint8Array(16), back = new Uint8Array(24);
  for (let i = 0; i < 16; i++) { a[i] = <u8>(0xF0 | i); b[i] = 0x3C; }
  const re = flashErase(1);
  const rw1 = flashWrite(base, a, 0, 16);
  const rw2 = flashWrite(base + 8, b, 0, 16);
  const rr = flashRead(base, back, 0, 24);
  const badRead = flashRead(ps * pc - 8, back, 0, 16);   // crosses the end: E_RANGE
  const badWrite = flashWrite(-1, a, 0, 4);               // before the start: E_RANGE
  const badErase = flashErase(pc);                        // no such page: E_RANGE
  new Reply(0x04).i32(ps).i32(pc).i32(re).i32(rw1).i32(rw2).i32(rr)
    .i32(badRead).i32(badWrite).i32(badErase).bytes(back).send();
}

function gpio(): void {
  const r = new Reply(0x05);
  r.i32(gpioWrite(Pin.RELAY, 1)).i32(gpioWrite(Pin.BREAKER, 1)).i32(gpioWrite(Pin.LOCK_ACTUATOR, 1));
  r.i32(gpioWrite(Pin.STATUS_LED, 1)).i32(gpioWrite(Pin.RELAY, 0));
  r.i32(gpioWrite(Pin.TAMPER_SWITCH, 1));   // an input: E_INVAL
  r.i32(gpioRead(Pin.TAMPER_SWITCH));
  r.i32(gpioWrite(5, 1)).i32(gpioRead(5));  // no such pin: E_INVAL
  r.send();
}

function timers(): void {
  new Reply(0x06).i32(setTimer(3, 1000)).i32(cancelTimer(4)).i32(setTimer(16, 10))
    .i32(setTimer(0, -1)).i32(cancelTimer(16)).send();
}

function mqtt(): void {
  const pass = new Uint8Array(3);
  pass[0] = 1; pass[1] = 2; pass[2] = 3;
  const payload = bytesOf("conf-payload");
  const r = new Reply(0x07);
  r.i32(mqttConnect("conf-client", "conf-user", pass));
  r.i32(mqttSubscribe("conf/in", 1));
  r.i32(mqttPublish("conf/out", payload, 0, false));
  r.i32(mqttPublish("conf/out", payload, 1, true));
  r.send();
}

function display(): void {
  const ok = show("conformance\nline 2");
  const big = new Uint8Array(MAX_DISPLAY_TEXT + 1);
  big.fill(0x41);
  const tooBig = abi.display_show(ptr(big), big.length);
  new Reply(0x09).i32(ok).i32(tooBig).send();
}

function logs(): void {
  log(Level.ERROR, "conf level 0");
  log(Level.WARN, "conf level 1");
  log(Level.INFO, "conf level 2");
  log(Level.DEBUG, "conf level 3");
  // Disconnect lives here so every ABI function is imported without a command of its own.
  new Reply(0x0A).i32(mqttDisconnect()).send();
}
