// The board the unit tests run on is the real TypeScript board: a module under test gets
// the full ABI (ECDH, ECDSA, AEAD with node's crypto) and a fresh chip per spec file.
import {
  aead_open, aead_seal, ecdh_p256_public, ecdh_p256_shared, ecdsa_p256_verify,
  flash_page_count, flash_page_size, flash_read, random_fill,
} from "../abi";

const OK = 0;
const E_INVAL = -1;
const E_AUTH = -6;

function randomKey(): Uint8Array {
  const k = new Uint8Array(32);
  expect(random_fill(k.dataStart, 32)).toBe(OK);
  return k;
}

function publicOf(priv: Uint8Array): Uint8Array {
  const pub = new Uint8Array(65);
  expect(ecdh_p256_public(priv.dataStart, pub.dataStart)).toBe(OK);
  return pub;
}

function sharedOf(priv: Uint8Array, peer: Uint8Array): Uint8Array {
  const s = new Uint8Array(32);
  expect(ecdh_p256_shared(priv.dataStart, peer.dataStart, s.dataStart)).toBe(OK);
  return s;
}

function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

describe("unit-test board", () => {
  it("starts this spec file on erased flash", () => {
    const size = flash_page_size() * flash_page_count();
    const all = new Uint8Array(size);
    expect(flash_read(0, all.dataStart, size)).toBe(OK);
    let erased = true;
    for (let i = 0; i < size; i++) if (all[i] != 0xff) erased = false;
    expect(erased).toBe(true);
  });

  it("agrees on an ECDH secret from both sides", () => {
    const a = randomKey(), b = randomKey();
    const pa = publicOf(a), pb = publicOf(b);
    expect(pa[0]).toBe(0x04);
    expect(same(sharedOf(a, pb), sharedOf(b, pa))).toBe(true);
    const bad = new Uint8Array(65);
    const out = new Uint8Array(32);
    expect(ecdh_p256_shared(a.dataStart, bad.dataStart, out.dataStart)).toBe(E_INVAL);
  });

  it("seals and opens with AES-GCM, and refuses a changed byte", () => {
    const key = randomKey(), nonce = new Uint8Array(12), aad = new Uint8Array(3);
    const plain = new Uint8Array(20);
    for (let i = 0; i < 20; i++) plain[i] = <u8>i;
    const sealed = new Uint8Array(36);
    expect(aead_seal(key.dataStart, 32, nonce.dataStart, aad.dataStart, 3, plain.dataStart, 20, sealed.dataStart)).toBe(36);
    const back = new Uint8Array(20);
    expect(aead_open(key.dataStart, 32, nonce.dataStart, aad.dataStart, 3, sealed.dataStart, 36, back.dataStart)).toBe(20);
    expect(same(back, plain)).toBe(true);
    sealed[5] ^= 1;
    expect(aead_open(key.dataStart, 32, nonce.dataStart, aad.dataStart, 3, sealed.dataStart, 36, back.dataStart)).toBe(E_AUTH);
  });

  it("checks ECDSA signatures for real: a zero signature does not verify", () => {
    const pub = publicOf(randomKey());
    const msg = new Uint8Array(8), sig = new Uint8Array(64);
    expect(ecdsa_p256_verify(pub.dataStart, msg.dataStart, 8, sig.dataStart)).toBe(E_AUTH);
  });
});
