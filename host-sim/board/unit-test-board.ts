// The board the as-pect unit tests (firmware/**/__tests__/*.spec.ts) run modules on: the
// TypeScript board itself, with the full ABI and node's crypto, over a fresh in-memory
// flash of 16 pages, the DRBG at seed 0, the clock at 0 (timers are recorded, never fire)
// and key slot 0 burned as a simulated factory would.
//
// Beside the board it offers a `testing` import module that no image can import (the ABI
// check refuses any module but "board"): flash_poke overwrites flash bytes outright, as an
// attacker with a programmer clip would (a NOR write can only clear bits), so tamper
// tests can doctor what a module stored; link_last hands a spec the last frame the module
// sent on a link, so that a spec can play the phone or the peer the module talks to;
// mqtt_state reports the broker connection up or down as the host's MQTT client would
// (the MQTT_STATE event's argument), gpio_input sets an input pin (the door sensor) as a GPIO event would, and mqtt_published / mqtt_last show what was
// published; wifi_calls and wifi_last show the image's wifi_join / wifi_group calls (ABI
// v1.2; the WIFI event's answer is the spec's to deliver); shown_count tells whether bytes (a
// secret) appear in any log line or screen; ecdsa_sign signs as a server would (the board
// only verifies), so that a spec can make signed messages for any key it picks; flash_ops counts the flash writes and erases so far, and flash_cut makes
// power fail during a given one of the next (only part of it landing), so that a spec can
// cut power at every write of an operation and reopen the store as the next boot would.
import { createECDH, createPrivateKey, sign } from "node:crypto";
import type { BoardOutput } from "../device/types.ts";
import { KEY_SLOTS, SLOT_SEAL, simulatedSlotKey } from "./efuse.ts";
import { E_IO, E_NOTFOUND, E_RANGE } from "./errors.ts";
import { FLASH_PAGE_SIZE, NorFlash } from "./flash.ts";
import { Drbg } from "./random.ts";
import { TsBoard } from "./ts-board.ts";

export const UNIT_TEST_PAGES = 16;
/** Key seed of the unit tests' slot 0. */
export const UNIT_TEST_KEY_SEED = "unit tests";

export interface UnitTestBoard {
  /** The `board` import module: exactly the functions of the ABI. */
  board: Record<string, (...args: never[]) => unknown>;
  /** The test-only `testing` import module. */
  testing: {
    flash_poke(addr: number, ptr: number, len: number): number;
    /** Copies the last frame sent on `link` to ptr (at most cap bytes): its length, or
     *  E_NOTFOUND when nothing was sent there yet, E_RANGE when it does not fit. */
    link_last(link: number, ptr: number, cap: number): number;
    /** The MQTT client's state as the MQTT_STATE event reports it: 1 connected. */
    mqtt_state(arg: number): void;
    /** An input pin changes level as the GPIO event reports it (arg = pin | level << 8):
     *  what gpio_read returns from now on (the spec then delivers the event itself). */
    gpio_input(arg: number): void;
    /** Flash writes and erases since the board was made (each is one operation). */
    flash_ops(): number;
    /** Power fails during the `at`-th flash operation from now (1-based): only its first
     *  `keep` bytes land, and every later write or erase lands nothing and returns E_IO
     *  until flash_cut(0, 0) brings power back (the spec then remounts, as a boot would). */
    flash_cut(at: number, keep: number): void;
    /** How many messages were published so far. */
    mqtt_published(): number;
    /** Copies the last published payload to ptr (at most cap bytes), as link_last. */
    mqtt_last(ptr: number, cap: number): number;
    /** How many wifi_join (which 0) or wifi_group (which 1) calls the board accepted. */
    wifi_calls(which: number): number;
    /** Copies the last accepted wifi_join (0) / wifi_group (1) call to ptr as the device
     *  link's frame carries it (u8 ssid length, ssid, u8 key length, key): its length,
     *  E_NOTFOUND before any, E_RANGE when it does not fit in cap. */
    wifi_last(which: number, ptr: number, cap: number): number;
    /** How many log lines and screens so far show these bytes: as they are, in hex or in
     *  base64 (a spec's check that no secret reaches a log or the display). */
    shown_count(ptr: number, len: number): number;
    /** (ABI v1.3) What measure(channel) reads from now on: status OK with these values, or
     *  the error it returns (E_IO, E_NOTFOUND). Every channel starts E_NOTFOUND. */
    meter_set(channel: number, status: number, powerW: number, energyWh: bigint): void;
    /** (ABI v1.3) How many datagrams udp_send sent so far. */
    udp_sent(): number;
    /** (ABI v1.3) Copies the last datagram sent to ptr, as link_last; its address and
     *  port are udp_last_addr() and udp_last_port() (E_NOTFOUND before any). */
    udp_last(ptr: number, cap: number): number;
    udp_last_addr(): number;
    udp_last_port(): number;
    /** ECDSA P-256 / SHA-256 of msg under the private scalar at priv (32 bytes), r ‖ s
     *  (64 bytes) to sig: OK, or E_RANGE for a scalar that is no P-256 key. A server's
     *  signature for specs: the board itself only verifies. */
    ecdsa_sign(priv: number, msg: number, len: number, sig: number): number;
  };
  flash: NorFlash;
  /** Everything the module under test made the board do (logs, screens, timers, ...). */
  outputs(): BoardOutput[];
  /** Hands the board the instance's exports (its memory) once instantiated. */
  attach(exports: { memory?: WebAssembly.Memory }): void;
}

/** A new board for one spec file: every spec starts from erased flash. */
export function createUnitTestBoard(): UnitTestBoard {
  let memory: WebAssembly.Memory | null = null;
  let buffer: ArrayBuffer | null = null, view = new Uint8Array(0);
  const mem = () => {
    if (memory && memory.buffer !== buffer) { buffer = memory.buffer; view = new Uint8Array(buffer); }
    return view;
  };
  const flash = new CuttableFlash(null, UNIT_TEST_PAGES);
  const slots = Array.from({ length: KEY_SLOTS }, (_, s) => (s === SLOT_SEAL ? simulatedSlotKey(UNIT_TEST_KEY_SEED, s) : null));
  const ts = new TsBoard(flash, new Drbg(0), mem, slots);
  const copyOut = (data: Uint8Array, ptr: number, cap: number) => {
    const m = mem(), p = ptr >>> 0;
    if (cap < data.length || p + data.length > m.length) return E_RANGE;
    m.set(data, p);
    return data.length;
  };
  const meter: { status: number; powerW: number; energyWh: number }[] = [];
  const udp = () => ts.outputs.filter((o) => o.t === "udp_send");
  const lastUdp = () => { const u = udp().at(-1); return u && u.t === "udp_send" ? u : null; };
  const wifiCalls = (which: number) => ts.outputs.filter((o) => o.t === (which === 0 ? "wifi_join" : "wifi_group"));
  return {
    board: ts.imports(),
    testing: {
      flash_poke: (addr, ptr, len) => {
        const m = mem(), p = ptr >>> 0;
        if (len < 0 || p + len > m.length) return E_RANGE;
        return flash.poke(addr, m.subarray(p, p + len));
      },
      flash_ops: () => flash.ops,
      flash_cut: (at, keep) => { flash.cut(at, keep); },
      link_last: (link, ptr, cap) => {
        const sent = ts.outputs.filter((o) => o.t === "link" && o.link === link);
        const last = sent[sent.length - 1];
        return last && last.t === "link" ? copyOut(last.data, ptr, cap) : E_NOTFOUND;
      },
      mqtt_state: (arg) => { ts.mqttState(arg); },
      gpio_input: (arg) => { ts.gpioEvent(arg); },
      mqtt_published: () => ts.outputs.filter((o) => o.t === "mqtt_publish").length,
      mqtt_last: (ptr, cap) => {
        const sent = ts.outputs.filter((o) => o.t === "mqtt_publish");
        const last = sent[sent.length - 1];
        return last && last.t === "mqtt_publish" ? copyOut(last.payload, ptr, cap) : E_NOTFOUND;
      },
      shown_count: (ptr, len) => {
        const m = mem(), p = ptr >>> 0;
        if (len <= 0 || p + len > m.length) return E_RANGE;
        const secret = Buffer.from(m.subarray(p, p + len));
        const forms = [secret.toString("hex"), secret.toString("hex").toUpperCase(), secret.toString("base64"), secret.toString("base64url")];
        return ts.outputs.filter((o) => {
          if (o.t !== "log" && o.t !== "display") return false;
          const raw = Buffer.from(o.text, "utf8");
          return raw.includes(secret) || forms.some((f) => o.text.includes(f));
        }).length;
      },
      meter_set: (channel, status, powerW, energyWh) => {
        while (meter.length <= channel) meter.push({ status: E_NOTFOUND, powerW: 0, energyWh: 0 });
        meter[channel] = { status, powerW, energyWh: Number(energyWh) };
        ts.time = { ...ts.time, meter };
      },
      udp_sent: () => udp().length,
      udp_last: (ptr, cap) => { const u = lastUdp(); return u ? copyOut(u.data, ptr, cap) : E_NOTFOUND; },
      udp_last_addr: () => lastUdp()?.addr ?? E_NOTFOUND,
      udp_last_port: () => lastUdp()?.port ?? E_NOTFOUND,
      ecdsa_sign: (priv, msg, len, sig) => {
        const m = mem();
        const d = m.slice(priv >>> 0, (priv >>> 0) + 32);
        const signature = p256Sign(d, m.slice(msg >>> 0, (msg >>> 0) + len));
        return signature === null ? E_RANGE : copyOut(signature, sig, 64) === 64 ? 0 : E_RANGE;
      },
      wifi_calls: (which) => wifiCalls(which).length,
      wifi_last: (which, ptr, cap) => {
        const last = wifiCalls(which).at(-1);
        if (!last || (last.t !== "wifi_join" && last.t !== "wifi_group")) return E_NOTFOUND;
        const secret = last.t === "wifi_join" ? last.key : last.pass;
        return copyOut(Uint8Array.of(last.ssid.length, ...last.ssid, secret.length, ...secret), ptr, cap);
      },
    },
    flash,
    outputs: () => ts.outputs,
    attach(exports) { memory = exports.memory ?? null; },
  };
}

/** Flash whose power a spec can cut at a given operation. NorFlash's own fault (given at
 *  construction) ends the host's run by throwing, which a wasm spec cannot catch; here the
 *  spec keeps running, and the flash simply takes nothing more until power is back. */
class CuttableFlash extends NorFlash {
  private cutAt = 0;     // operations left until the cut one (0: none armed)
  private keep = 0;
  private off = false;   // power is gone: nothing lands

  cut(at: number, keep: number): void {
    this.off = false;
    this.cutAt = at > 0 ? at : 0;
    this.keep = Math.max(0, keep);
  }

  override write(addr: number, data: Uint8Array): number {
    if (this.off) return E_IO;
    if (!this.cutting()) return super.write(addr, data);
    if (this.keep > 0) super.write(addr, data.subarray(0, Math.min(this.keep, data.length)));
    return E_IO;
  }

  override erase(page: number): number {
    if (this.off) return E_IO;
    if (!this.cutting()) return super.erase(page);
    // An erase cut short: its first `keep` bytes are erased, the rest of the page is not.
    if (this.keep > 0 && page >= 0 && page < this.pages) this.poke(page * FLASH_PAGE_SIZE, new Uint8Array(Math.min(this.keep, FLASH_PAGE_SIZE)).fill(0xff));
    return E_IO;
  }

  // Whether this operation is the one power fails in; from then on power is off.
  private cutting(): boolean {
    if (this.cutAt === 0) return false;
    if (--this.cutAt > 0) return false;
    this.off = true;
    return true;
  }
}

/** r ‖ s of ECDSA P-256 / SHA-256 under the scalar d, or null when d is no key. */
function p256Sign(d: Uint8Array, msg: Uint8Array): Uint8Array | null {
  try {
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(d);
    const pub = ecdh.getPublicKey();
    const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64url");
    const key = createPrivateKey({
      key: { kty: "EC", crv: "P-256", d: b64(d), x: b64(pub.subarray(1, 33)), y: b64(pub.subarray(33, 65)) },
      format: "jwk",
    });
    return sign("sha256", msg, { key, dsaEncoding: "ieee-p1363" });
  } catch {
    return null;
  }
}
