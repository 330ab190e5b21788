// The board side of ABI v1.4 in TypeScript: what each import does and what it reports.
// The posix C host implements the same rules; both hosts' traces must compare equal, so
// every field recorded here is what the device-link frame for it can carry (u8 levels,
// u8 qos, text decoded from the bytes the image passed).
//
// Check order in every call: argument values (E_INVAL), then length limits (E_RANGE),
// then the (ptr, len) ranges against linear memory (E_RANGE); mqtt_connect and
// mqtt_publish (and udp_send, for a bound port) check the state before all of these (E_STATE), and a key slot's
// burn state comes last (E_NOTFOUND). A refused call has no effect and records no output.
// wifi_join / wifi_group with an empty SSID (leave the router, end the group) ignore the
// key argument: it is neither checked nor recorded.
import type { BoardOutput, BoardTime } from "../device/types.ts";
import * as cr from "./crypto.ts";
import { E_INVAL, E_NOTFOUND, E_RANGE, E_STATE, OK } from "./errors.ts";
import { FLASH_PAGE_SIZE, type NorFlash } from "./flash.ts";
import type { Drbg } from "./random.ts";

import * as abi from "./abi-constants.ts";

// The ABI's limits (generated from boards/abi/v1.json); the MQTT ones are E_RANGE on every host.
export const LOG_MAX = abi.MAX_LOG_TEXT;
export const DISPLAY_MAX = abi.MAX_DISPLAY_TEXT;
export const LINK_MAX = abi.MAX_LINK_FRAME;
export const LINK_COUNT = abi.Link.COUNT;
export const TIMER_COUNT = abi.TIMER_COUNT;
export const PIN_COUNT = abi.Pin.COUNT;
export const INPUT_PINS: ReadonlySet<number> = new Set([abi.Pin.TAMPER_SWITCH, abi.Pin.DOOR_SENSOR]);
export const MQTT_MAX_QOS = abi.Qos.LAST;
export const MQTT_MAX_TOPIC = abi.MAX_TOPIC;
export const MQTT_MAX_PAYLOAD = abi.MAX_PAYLOAD;
export const MQTT_MAX_LOGIN_FIELD = abi.MAX_LOGIN_FIELD;
export const WIFI_MAX_SSID = abi.MAX_SSID;

/** Thrown by the panic import to unwind the image; the device turns it into the result. */
export class PanicSignal extends Error {
  constructor(readonly output: Extract<BoardOutput, { t: "panic" }>) {
    super(`image panicked: ${output.text}`);
  }
}

const utf8 = new TextDecoder("utf-8");
const text = (b: Uint8Array) => utf8.decode(b);

export class TsBoard {
  /** Outputs of the call in progress, in the order the image made them. */
  outputs: BoardOutput[] = [];
  time: BoardTime = { nowMs: 0, wallMs: -1 };
  private readonly levels = new Array<number>(PIN_COUNT).fill(0);
  private mqttConnected = false;
  private lastPid = 0;
  /** The UDP port bound (ABI v1.3), 0 none: udp_send needs one. */
  private udpPort = 0;

  constructor(
    private readonly flash: NorFlash,
    private readonly random: Drbg,
    /** Linear memory as it is now: it moves when the image grows its memory. */
    private readonly memory: () => Uint8Array,
    /** The burned key slots (null: blank); the image can use them, never read them. */
    private readonly keySlots: readonly (Uint8Array | null)[] = [],
  ) {}

  /** An input change: what gpio_read returns from now on (ABI GPIO event arg layout). */
  gpioEvent(arg: number): void {
    const pin = arg & 0xff;
    if (pin < PIN_COUNT) this.levels[pin] = (arg >> 8) & 0xff ? 1 : 0;
  }

  /** The MQTT client's state changed (MQTT_STATE event): 1 connected, anything else not. */
  mqttState(arg: number): void {
    this.mqttConnected = arg === 1;
  }

  private view(ptr: number, len: number): Uint8Array | null {
    const mem = this.memory();
    const p = ptr >>> 0;
    if (len < 0 || p + len > mem.length) return null;
    return mem.subarray(p, p + len);
  }

  private copy(ptr: number, len: number): Uint8Array | null {
    return this.view(ptr, len)?.slice() ?? null;
  }

  private nextPid(): number {
    this.lastPid = this.lastPid >= 65535 ? 1 : this.lastPid + 1;
    return this.lastPid;
  }

  /** The `board` import object: exactly the functions of ABI v1.4. */
  imports(): Record<string, (...args: never[]) => unknown> {
    const out = (o: BoardOutput) => { this.outputs.push(o); };
    return {
      abi_version: () => 1,
      clock_now_ms: () => BigInt(this.time.nowMs),
      clock_wall_ms: () => BigInt(this.time.wallMs),

      timer_set: (id: number, delay: number) => {
        if (id < 0 || id >= TIMER_COUNT || delay < 0) return E_INVAL;
        out({ t: "timer_set", id, delayMs: delay });
        return OK;
      },
      timer_cancel: (id: number) => {
        if (id < 0 || id >= TIMER_COUNT) return E_INVAL;
        out({ t: "timer_cancel", id });
        return OK;
      },

      random_fill: (ptr: number, len: number) => {
        const v = this.view(ptr, len);
        if (!v) return E_RANGE;
        this.random.fill(v);
        return OK;
      },

      flash_page_size: () => FLASH_PAGE_SIZE,
      flash_page_count: () => this.flash.pages,
      flash_read: (addr: number, ptr: number, len: number) => {
        const v = this.view(ptr, len);
        return v ? this.flash.read(addr, v) : E_RANGE;
      },
      flash_write: (addr: number, ptr: number, len: number) => {
        const v = this.view(ptr, len);
        return v ? this.flash.write(addr, v) : E_RANGE;
      },
      flash_erase: (page: number) => this.flash.erase(page),

      log: (level: number, ptr: number, len: number) => {
        const v = this.view(ptr, len);
        if (v) out({ t: "log", level: level & 0xff, text: text(v.subarray(0, LOG_MAX)) });
      },
      panic: (ptr: number, len: number, line: number, col: number) => {
        const v = this.view(ptr, len);
        throw new PanicSignal({ t: "panic", line, col, text: v ? text(v) : "" });
      },

      display_show: (ptr: number, len: number) => {
        if (len > DISPLAY_MAX) return E_RANGE;
        const v = this.view(ptr, len);
        if (!v) return E_RANGE;
        out({ t: "display", text: text(v) });
        return OK;
      },
      gpio_write: (pin: number, level: number) => {
        if (pin < 0 || pin >= PIN_COUNT || INPUT_PINS.has(pin)) return E_INVAL;
        const l = level ? 1 : 0;
        this.levels[pin] = l;
        out({ t: "gpio", pin, level: l });
        return OK;
      },
      gpio_read: (pin: number) => (pin < 0 || pin >= PIN_COUNT ? E_INVAL : this.levels[pin]),

      link_send: (link: number, ptr: number, len: number) => {
        if (link < 0 || link >= LINK_COUNT) return E_INVAL;
        if (len > LINK_MAX) return E_RANGE;
        const data = this.copy(ptr, len);
        if (!data) return E_RANGE;
        out({ t: "link", link, data });
        return OK;
      },

      mqtt_connect: (cp: number, cl: number, up: number, ul: number, pp: number, pl: number) => {
        if (this.mqttConnected) return E_STATE;
        if (cl > MQTT_MAX_LOGIN_FIELD || ul > MQTT_MAX_LOGIN_FIELD || pl > MQTT_MAX_LOGIN_FIELD) return E_RANGE;
        const c = this.view(cp, cl), u = this.view(up, ul), p = this.copy(pp, pl);
        if (!c || !u || !p) return E_RANGE;
        out({ t: "mqtt_connect", client: text(c), user: text(u), pass: p });
        return OK;
      },
      mqtt_subscribe: (tp: number, tl: number, qos: number) => {
        if (qos < 0 || qos > MQTT_MAX_QOS) return E_INVAL;
        if (tl > MQTT_MAX_TOPIC) return E_RANGE;
        const t = this.view(tp, tl);
        if (!t) return E_RANGE;
        const pid = this.nextPid();
        out({ t: "mqtt_subscribe", pid, qos, topic: text(t) });
        return pid;
      },
      mqtt_publish: (tp: number, tl: number, ptr: number, len: number, qos: number, retain: number) => {
        if (!this.mqttConnected) return E_STATE;
        if (qos < 0 || qos > MQTT_MAX_QOS) return E_INVAL;
        if (tl > MQTT_MAX_TOPIC || len > MQTT_MAX_PAYLOAD) return E_RANGE;
        const t = this.view(tp, tl), payload = this.copy(ptr, len);
        if (!t || !payload) return E_RANGE;
        const pid = qos >= 1 ? this.nextPid() : 0;
        out({ t: "mqtt_publish", pid, qos, retain: retain !== 0, topic: text(t), payload });
        return pid;
      },
      mqtt_disconnect: () => {
        this.mqttConnected = false;
        out({ t: "mqtt_disconnect" });
        return OK;
      },

      // ABI v1.2: the radio acts later; the outcome of a join arrives as a WIFI event.
      wifi_join: (sp: number, sl: number, kp: number, kl: number) => {
        if (sl === 0) { out({ t: "wifi_join", ssid: new Uint8Array(0), key: new Uint8Array(0) }); return OK; }
        if (kl > 0 && kl < abi.MIN_WIFI_KEY) return E_INVAL;
        if (sl > WIFI_MAX_SSID || kl > abi.MAX_WIFI_KEY) return E_RANGE;
        const ssid = this.copy(sp, sl), key = this.copy(kp, kl);
        if (!ssid || !key) return E_RANGE;
        out({ t: "wifi_join", ssid, key });
        return OK;
      },
      wifi_group: (sp: number, sl: number, pp: number, pl: number) => {
        if (sl === 0) { out({ t: "wifi_group", ssid: new Uint8Array(0), pass: new Uint8Array(0) }); return OK; }
        if (sl > WIFI_MAX_SSID || pl < abi.MIN_GROUP_PASS || pl > abi.MAX_GROUP_PASS) return E_RANGE;
        const ssid = this.copy(sp, sl), pass = this.copy(pp, pl);
        if (!ssid || !pass) return E_RANGE;
        out({ t: "wifi_group", ssid, pass });
        return OK;
      },

      // ABI v1.3: the host's load model, sampled for this call (BoardTime.meter).
      measure: (channel: number, outPtr: number) => {
        if (channel < 0 || channel >= abi.Channel.COUNT) return E_INVAL;
        const o = this.view(outPtr, abi.MEASURE_BYTES);
        if (!o) return E_RANGE;
        const m = this.time.meter?.[channel];
        if (!m) return E_NOTFOUND;
        if (m.status !== OK) return m.status;
        const dv = new DataView(o.buffer, o.byteOffset, abi.MEASURE_BYTES);
        dv.setInt32(0, m.powerW | 0, true);
        dv.setBigInt64(4, BigInt(Math.trunc(m.energyWh)), true);
        return OK;
      },
      // ABI v1.3: UDP on the home network; the datagrams arrive as UDP events.
      udp_bind: (port: number, group: number) => {
        if (port < 0 || port > 65535) return E_INVAL;
        const g = group >>> 0;
        if (g !== 0 && (g >>> 28) !== 0xe) return E_INVAL;
        this.udpPort = port;
        out({ t: "udp_bind", port, group: port === 0 ? 0 : g });
        return OK;
      },
      udp_send: (addr: number, port: number, ptr: number, len: number) => {
        if (this.udpPort === 0) return E_STATE;
        if (port <= 0 || port > 65535 || (addr >>> 0) === 0) return E_INVAL;
        if (len > abi.MAX_DATAGRAM) return E_RANGE;
        const data = this.copy(ptr, len);
        if (!data) return E_RANGE;
        out({ t: "udp_send", addr: addr >>> 0, port, data });
        return OK;
      },

      sha256: (ptr: number, len: number, outPtr: number) => {
        const d = this.view(ptr, len), o = this.view(outPtr, 32);
        if (!d || !o) return E_RANGE;
        o.set(cr.sha256(d));
        return OK;
      },
      hmac_sha256: (kp: number, kl: number, ptr: number, len: number, outPtr: number) => {
        const k = this.view(kp, kl), d = this.view(ptr, len), o = this.view(outPtr, 32);
        if (!k || !d || !o) return E_RANGE;
        o.set(cr.hmacSha256(k, d));
        return OK;
      },
      // ABI v1.1: the key never enters linear memory; a blank slot is E_NOTFOUND.
      hmac_sha256_keyslot: (slot: number, ptr: number, len: number, outPtr: number) => {
        if (slot < 0 || slot >= abi.KeySlot.COUNT) return E_INVAL;
        const d = this.view(ptr, len), o = this.view(outPtr, 32);
        if (!d || !o) return E_RANGE;
        const key = this.keySlots[slot];
        if (!key) return E_NOTFOUND;
        o.set(cr.hmacSha256(key, d));
        return OK;
      },
      aead_seal: (kp: number, kl: number, np: number, ap: number, al: number, ptr: number, len: number, outPtr: number) => {
        if (kl !== 16 && kl !== 32) return E_INVAL;
        const k = this.view(kp, kl), n = this.view(np, cr.GCM_NONCE), a = this.view(ap, al);
        const d = this.view(ptr, len), o = len >= 0 ? this.view(outPtr, len + cr.GCM_TAG) : null;
        if (!k || !n || !a || !d || !o) return E_RANGE;
        const r = cr.aeadSeal(k, n, a, d);
        if (typeof r === "number") return r;
        o.set(r);
        return r.length;
      },
      aead_open: (kp: number, kl: number, np: number, ap: number, al: number, ptr: number, len: number, outPtr: number) => {
        if (kl !== 16 && kl !== 32) return E_INVAL;
        const k = this.view(kp, kl), n = this.view(np, cr.GCM_NONCE), a = this.view(ap, al);
        const d = this.view(ptr, len);
        if (!k || !n || !a || !d) return E_RANGE;
        const o = this.view(outPtr, Math.max(0, len - cr.GCM_TAG));
        if (!o) return E_RANGE;
        const r = cr.aeadOpen(k, n, a, d);
        if (typeof r === "number") return r;
        o.set(r);
        return r.length;
      },
      ecdsa_p256_verify: (pp: number, ptr: number, len: number, sp: number) => {
        const p = this.view(pp, 65), d = this.view(ptr, len), s = this.view(sp, 64);
        if (!p || !d || !s) return E_RANGE;
        return cr.ecdsaP256Verify(p, d, s);
      },
      // Buffers are checked before the key's value: the value can only be read from memory.
      ecdh_p256_public: (kp: number, outPtr: number) => {
        const k = this.copy(kp, cr.P256_PRIV), o = this.view(outPtr, cr.P256_PUB);
        if (!k || !o) return E_RANGE;
        const r = cr.ecdhP256Public(k);
        k.fill(0);
        if (typeof r === "number") return r;
        o.set(r);
        return OK;
      },
      ecdh_p256_shared: (kp: number, pp: number, outPtr: number) => {
        const k = this.copy(kp, cr.P256_PRIV), p = this.copy(pp, cr.P256_PUB), o = this.view(outPtr, cr.P256_SHARED);
        if (!k || !p || !o) return E_RANGE;
        const r = cr.ecdhP256Shared(k, p);
        k.fill(0);
        if (typeof r === "number") return r;
        o.set(r);
        return OK;
      },
    };
  }
}
