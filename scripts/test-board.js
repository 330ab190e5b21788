// The board the as-pect unit tests run modules against: NOR flash in memory (16 pages of
// 4096 bytes), a counting clock, deterministic random bytes, and node's crypto. It is a
// test fixture, not a host: images run on host-sim/board and boards/posix.
import { createHash, createHmac } from "node:crypto";

export function createTestBoard() {
  const PAGE = 4096, PAGES = 16;
  const flash = new Uint8Array(PAGE * PAGES).fill(0xff);
  let exports = null;
  let counter = 0;
  const mem = () => new Uint8Array(exports.memory.buffer);
  const bytes = (ptr, len) => mem().slice(ptr, ptr + len);
  const inRange = (addr, len) => addr >= 0 && len >= 0 && addr + len <= flash.length;
  const imports = {
    abi_version: () => 1,
    clock_now_ms: () => 0n,
    clock_wall_ms: () => -1n,
    timer_set: () => 0,
    timer_cancel: () => 0,
    random_fill: (ptr, len) => {
      const m = mem();
      for (let i = 0; i < len; i++) m[ptr + i] = createHash("sha256").update(String(counter++)).digest()[0];
      return 0;
    },
    flash_page_size: () => PAGE,
    flash_page_count: () => PAGES,
    flash_read: (addr, ptr, len) => { if (!inRange(addr, len)) return -2; mem().set(flash.subarray(addr, addr + len), ptr); return 0; },
    flash_write: (addr, ptr, len) => {
      if (!inRange(addr, len)) return -2;
      const m = mem();
      for (let i = 0; i < len; i++) flash[addr + i] &= m[ptr + i];
      return 0;
    },
    flash_erase: (page) => { if (page < 0 || page >= PAGES) return -2; flash.fill(0xff, page * PAGE, (page + 1) * PAGE); return 0; },
    log: () => {},
    panic: (ptr, len) => { throw new Error("panic: " + Buffer.from(bytes(ptr, len)).toString()); },
    display_show: () => 0,
    gpio_write: () => 0,
    gpio_read: () => 0,
    link_send: () => 0,
    mqtt_connect: () => 0,
    mqtt_subscribe: () => 1,
    mqtt_publish: () => 1,
    mqtt_disconnect: () => 0,
    sha256: (ptr, len, out) => { mem().set(createHash("sha256").update(bytes(ptr, len)).digest(), out); return 0; },
    hmac_sha256: (kp, kl, ptr, len, out) => { mem().set(createHmac("sha256", bytes(kp, kl)).update(bytes(ptr, len)).digest(), out); return 0; },
    aead_seal: () => -12,
    aead_open: () => -12,
    ecdsa_p256_verify: () => -12,
  };
  return { imports, flash, attach(e) { exports = e; } };
}
