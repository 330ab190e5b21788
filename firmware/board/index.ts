// The board, as firmware modules see it: typed wrappers over the raw ABI (./abi.ts).
// Byte buffers are Uint8Array; strings cross as UTF-8.
import * as abi from "./abi";
import { Level, MEASURE_BYTES } from "./constants";
import { E_RANGE } from "../core/errors";
import { compose, encode, encodedLength } from "./compose";
export { compose, Composer } from "./compose";
export { settle, keepHeapHeadroom } from "./heap";
export { Event, Link, Pin, Level, KeySlot, Channel, TIMER_COUNT, MAX_LINK_FRAME, MAX_DISPLAY_TEXT, INBOX_SIZE, MEASURE_BYTES, MAX_DATAGRAM } from "./constants";

@inline export function ptr(b: Uint8Array): usize { return b.dataStart; }

export function utf8(s: string): Uint8Array {
  const b = new Uint8Array(encodedLength(s));
  encode(s, b.dataStart, b.length);
  return b;
}

/** The bytes at `at + 1`, `load<u8>(at)` of them, as a new array: what utf8("literal")
 *  becomes in the images (scripts/utf8-literals.mjs), the same bytes without the UTF-16
 *  literal. */
export function utf8Text(at: usize): Uint8Array {
  const n = <i32>load<u8>(at);
  const b = new Uint8Array(n);
  memory.copy(b.dataStart, at + 1, <usize>n);
  return b;
}

export function text(b: Uint8Array): string {
  return String.UTF8.decodeUnsafe(b.dataStart, <usize>b.length);
}

// ---- clock and timers
export function nowMs(): i64 { return abi.clock_now_ms(); }
export function wallMs(): i64 { return abi.clock_wall_ms(); }
export function setTimer(id: i32, delayMs: i32): i32 { return abi.timer_set(id, delayMs); }
export function cancelTimer(id: i32): i32 { return abi.timer_cancel(id); }

// ---- random
export function randomBytes(n: i32): Uint8Array {
  const b = new Uint8Array(n);
  abi.random_fill(b.dataStart, n);
  return b;
}

// ---- flash
export function flashPageSize(): i32 { return abi.flash_page_size(); }
export function flashPageCount(): i32 { return abi.flash_page_count(); }
export function flashRead(addr: i32, into: Uint8Array, off: i32, len: i32): i32 {
  return abi.flash_read(addr, into.dataStart + <usize>off, len);
}
export function flashWrite(addr: i32, from: Uint8Array, off: i32, len: i32): i32 {
  return abi.flash_write(addr, from.dataStart + <usize>off, len);
}
export function flashErase(page: i32): i32 { return abi.flash_erase(page); }

// ---- log: never pass a secret here (architecture rule 5)
// Text goes out through the shared composer buffer: no UTF-8 copy is allocated per line.
export function log(level: i32, msg: string): void { compose().add(msg).log(level); }
export function logError(msg: string): void { log(Level.ERROR, msg); }
export function logWarn(msg: string): void { log(Level.WARN, msg); }
export function logInfo(msg: string): void { log(Level.INFO, msg); }
export function logDebug(msg: string): void { log(Level.DEBUG, msg); }

// ---- display and GPIO
export function show(screen: string): i32 { return compose().add(screen).show(); }
export function gpioWrite(pin: i32, level: i32): i32 { return abi.gpio_write(pin, level); }
export function gpioRead(pin: i32): i32 { return abi.gpio_read(pin); }

// ---- short-range links
export function linkSend(link: i32, frame: Uint8Array): i32 {
  return abi.link_send(link, frame.dataStart, frame.length);
}

// ---- Wi-Fi (ABI v1.2): only an image that calls these imports them
/** Joins the home router as a station (empty ssid: leave it); the outcome is a WIFI event. */
export function wifiJoin(ssid: Uint8Array, key: Uint8Array): i32 {
  return abi.wifi_join(ssid.dataStart, ssid.length, key.dataStart, key.length);
}
/** Becomes the Wi-Fi Direct group owner of this group (empty ssid: ends the group). */
export function wifiGroup(ssid: Uint8Array, pass: Uint8Array): i32 {
  return abi.wifi_group(ssid.dataStart, ssid.length, pass.dataStart, pass.length);
}

// ---- MQTT
export function mqttConnect(client: string, user: string, pass: Uint8Array): i32 {
  const c = utf8(client), u = utf8(user);
  return abi.mqtt_connect(c.dataStart, c.length, u.dataStart, u.length, pass.dataStart, pass.length);
}
export function mqttSubscribe(topic: string, qos: i32): i32 {
  const t = utf8(topic);
  return abi.mqtt_subscribe(t.dataStart, t.length, qos);
}
export function mqttPublish(topic: string, payload: Uint8Array, qos: i32, retain: bool): i32 {
  return mqttPublishTo(utf8(topic), payload, qos, retain);
}

/** mqttPublish with the topic already in UTF-8 (a caller that keeps it). */
export function mqttPublishTo(topic: Uint8Array, payload: Uint8Array, qos: i32, retain: bool): i32 {
  return abi.mqtt_publish(topic.dataStart, topic.length, payload.dataStart, payload.length, qos, retain ? 1 : 0);
}
export function mqttDisconnect(): i32 { return abi.mqtt_disconnect(); }

// ---- crypto primitives
export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  abi.sha256(data.dataStart, data.length, out.dataStart);
  return out;
}
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  abi.hmac_sha256(key.dataStart, key.length, data.dataStart, data.length, out.dataStart);
  return out;
}
/** HMAC-SHA-256 under a board key slot (ABI v1.1): the key never reaches the image.
 *  Null when the slot is blank or does not exist. */
export function hmacSha256KeySlot(slot: i32, data: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(32);
  return abi.hmac_sha256_keyslot(slot, data.dataStart, data.length, out.dataStart) == 0 ? out : null;
}
/** AES-GCM; returns ciphertext ‖ tag, or null if the board refused the arguments. */
export function aeadSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array): Uint8Array | null {
  if (nonce.length != 12) return null;
  const out = new Uint8Array(plain.length + 16);
  const n = abi.aead_seal(key.dataStart, key.length, nonce.dataStart, aad.dataStart, aad.length, plain.dataStart, plain.length, out.dataStart);
  return n < 0 ? null : out;
}
/** Returns the plaintext, or null when authentication fails. */
export function aeadOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (nonce.length != 12 || sealed.length < 16) return null;
  const out = new Uint8Array(sealed.length - 16);
  const n = abi.aead_open(key.dataStart, key.length, nonce.dataStart, aad.dataStart, aad.length, sealed.dataStart, sealed.length, out.dataStart);
  return n < 0 ? null : out;
}
export function ecdsaP256Verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): i32 {
  if (pub.length != 65 || sig.length != 64) return -1;
  return abi.ecdsa_p256_verify(pub.dataStart, msg.dataStart, msg.length, sig.dataStart);
}

/** An ephemeral P-256 key pair from the board's random bytes. */
export class EcdhKeyPair {
  priv: Uint8Array = new Uint8Array(32);
  pub: Uint8Array = new Uint8Array(65);
}
export function ecdhKeyPair(): EcdhKeyPair {
  const k = new EcdhKeyPair();
  // A draw outside the group order is refused by the board: draw again (rare: ~2^-32).
  for (let i = 0; i < 8; i++) {
    abi.random_fill(k.priv.dataStart, 32);
    if (abi.ecdh_p256_public(k.priv.dataStart, k.pub.dataStart) == 0) return k;
  }
  abort("no valid P-256 key from the random source");
  return k;
}
/** The shared X coordinate, or null when the peer's key is not a valid point. */
export function ecdhShared(priv: Uint8Array, peerPub: Uint8Array): Uint8Array | null {
  if (priv.length != 32 || peerPub.length != 65) return null;
  const out = new Uint8Array(32);
  return abi.ecdh_p256_shared(priv.dataStart, peerPub.dataStart, out.dataStart) == 0 ? out : null;
}

// v1.3 ----------------------------------------------------------------------------

/** A metering channel's power (W) and energy register (Wh) now, into `out` (at least
 *  MEASURE_BYTES). OK, E_INVAL (no such channel), E_NOTFOUND (the board meters no such
 *  channel), E_IO (the metrology front end failed), E_RANGE (out too small). */
export function measure(channel: i32, out: Uint8Array): i32 {
  if (out.length < MEASURE_BYTES) return E_RANGE;
  return abi.measure(channel, out.dataStart);
}

/** Receive UDP datagrams to `port` (and to the IPv4 multicast `group`, 0 for none) as
 *  UDP events; port 0 stops. One port per image: a new bind replaces the last. */
export function udpBind(port: i32, group: i32): i32 {
  return abi.udp_bind(port, group);
}

/** One datagram from the bound port to `addr` (IPv4, multicast allowed) `port`. */
export function udpSend(addr: i32, port: i32, data: Uint8Array, len: i32): i32 {
  if (len < 0 || len > data.length) return E_RANGE;
  return abi.udp_send(addr, port, data.dataStart, len);
}
