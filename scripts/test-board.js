// The board the as-pect unit tests run modules against: NOR flash in memory (16 pages of
// 4096 bytes), a counting clock, deterministic random bytes, node's crypto and one burned
// key slot (0, a fixed test key). It is a test fixture, not a host: images run on
// host-sim/board and boards/posix. Beside the board it offers the tests a `testing`
// module: flash_poke overwrites flash bytes as an attacker with a programmer would (a NOR
// write could only clear bits), so tamper tests can doctor what a module stored.
import { createCipheriv, createDecipheriv, createHash, createHmac } from "node:crypto";

const SLOT_KEYS = [createHash("sha256").update("test board key slot 0").digest()];

export function createTestBoard() {
  const PAGE = 4096, PAGES = 16;
  const flash = new Uint8Array(PAGE * PAGES).fill(0xff);
  let exports = null;
  let counter = 0;
  const mem = () => new Uint8Array(exports.memory.buffer);
  const bytes = (ptr, len) => mem().slice(ptr, ptr + len);
  const inRange = (addr, len) => addr >= 0 && len >= 0 && addr + len <= flash.length;
  const gcmKey = (kp, kl) => (kl === 16 || kl === 32 ? bytes(kp, kl) : null);
  const gcm = (kl) => `aes-${kl * 8}-gcm`;
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
    hmac_sha256_keyslot: (slot, ptr, len, out) => {
      if (slot < 0 || slot >= 4) return -1;
      if (!SLOT_KEYS[slot]) return -5;
      mem().set(createHmac("sha256", SLOT_KEYS[slot]).update(bytes(ptr, len)).digest(), out);
      return 0;
    },
    aead_seal: (kp, kl, np, ap, al, ptr, len, out) => {
      const key = gcmKey(kp, kl);
      if (!key) return -1;
      const c = createCipheriv(gcm(kl), key, bytes(np, 12));
      c.setAAD(bytes(ap, al));
      const sealed = Buffer.concat([c.update(bytes(ptr, len)), c.final(), c.getAuthTag()]);
      mem().set(sealed, out);
      return sealed.length;
    },
    aead_open: (kp, kl, np, ap, al, ptr, len, out) => {
      const key = gcmKey(kp, kl);
      if (!key) return -1;
      if (len < 16) return -6;
      const d = createDecipheriv(gcm(kl), key, bytes(np, 12));
      d.setAAD(bytes(ap, al));
      d.setAuthTag(bytes(ptr + len - 16, 16));
      try {
        const plain = Buffer.concat([d.update(bytes(ptr, len - 16)), d.final()]);
        mem().set(plain, out);
        return plain.length;
      } catch {
        return -6;
      }
    },
    ecdsa_p256_verify: () => -12,
  };
  const testing = {
    flash_poke: (addr, ptr, len) => { if (!inRange(addr, len)) return -2; flash.set(bytes(ptr, len), addr); return 0; },
  };
  return { imports, testing, flash, attach(e) { exports = e; } };
}
