import { base64, fromBase64 } from "../base64";

function bytes(s: string): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(s)); }

describe("base64", () => {
  it("encodes RFC 4648's test vectors (§10)", () => {
    expect(base64(bytes(""))).toBe("");
    expect(base64(bytes("f"))).toBe("Zg==");
    expect(base64(bytes("fo"))).toBe("Zm8=");
    expect(base64(bytes("foo"))).toBe("Zm9v");
    expect(base64(bytes("foob"))).toBe("Zm9vYg==");
    expect(base64(bytes("fooba"))).toBe("Zm9vYmE=");
    expect(base64(bytes("foobar"))).toBe("Zm9vYmFy");
  });

  it("writes every character of the alphabet in its place", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const b = fromBase64(alphabet, 64);
    expect(b).not.toBeNull();
    expect(b!.length).toBe(48);
    expect(base64(b!)).toBe(alphabet);
  });

  it("decodes what it encodes, and refuses text that is not canonical", () => {
    const b = new Uint8Array(40);
    for (let i = 0; i < b.length; i++) b[i] = <u8>(i * 37 + 11);
    for (let n = 1; n <= 40; n++) {
      const d = fromBase64(base64(b.subarray(0, n)), 64)!;
      expect(d.length).toBe(n);
      for (let i = 0; i < n; i++) expect(d[i]).toBe(b[i]);
    }
    expect(fromBase64("Zg=", 8)).toBeNull();
    expect(fromBase64("Zh==", 8)).toBeNull();      // bits past the end
    expect(fromBase64("Z=g=", 8)).toBeNull();      // padding in the middle
    expect(fromBase64("Zm9v", 2)).toBeNull();      // over the maximum
  });
});
