import { compose } from "../compose";
import { utf8, utf8Text } from "../index";
import { MAX_DISPLAY_TEXT } from "../constants";

function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
const encoded = (s: string): Uint8Array => Uint8Array.wrap(String.UTF8.encode(s));

describe("compose", () => {
  it("writes the same UTF-8 as String.UTF8.encode, ASCII of every length and beyond", () => {
    const texts: string[] = ["", "a", "ab", "abc", "abcd", "abcde", "Water heater\nHot water 42 C",
      "40 °C", "é at the end é", "€uro", "x😀y", "😀", "lone \uD800 high", "lone \uDC00 low", "end \uD83D"];
    for (let i = 0; i < texts.length; i++) {
      expect(same(compose().add(texts[i]).toBytes(), encoded(texts[i]))).toBe(true, texts[i]);
    }
    expect(same(compose().add("Bath ").add("41").add(" C").toBytes(), encoded("Bath 41 C"))).toBe(true);
  });

  it("writes numbers as toString() does", () => {
    const nums: i64[] = [0, 7, -1, 10, 99, 100, -305, 4294967295, 9007199254740991, i64.MAX_VALUE, i64.MIN_VALUE];
    for (let i = 0; i < nums.length; i++) {
      expect(same(compose().add("n=").num(nums[i]).toBytes(), encoded("n=" + nums[i].toString()))).toBe(true);
    }
  });

  it("writes hexadecimal as toString(16) does", () => {
    const nums: u32[] = [0, 9, 10, 15, 16, 0x1ff, 0x7f00, 0xabcdef, 0xffffffff];
    for (let i = 0; i < nums.length; i++) {
      expect(same(compose().add("h=").hex(nums[i]).toBytes(), encoded("h=" + nums[i].toString(16)))).toBe(true);
    }
  });

  it("appends UTF-8 bytes as add() would the same text (what the images' build makes of a literal)", () => {
    const b = encoded("40 °C, €uro 😀");
    expect(same(compose().add("t=").addUtf8(b.dataStart, b.length).add("!").toBytes(), encoded("t=40 °C, €uro 😀!"))).toBe(true);
    const counted = memory.data<u8>([4, 0x4f, 0xc3, 0xa9, 0x4b]);   // 4 bytes: "OéK"
    expect(same(compose().add("[").addText(counted).add("]").toBytes(), encoded("[OéK]"))).toBe(true);
  });

  it("utf8Text gives the same fresh bytes as utf8 of the text (what utf8(\"literal\") becomes in images)", () => {
    const counted = memory.data<u8>([4, 0x4f, 0xc3, 0xa9, 0x4b]);   // "OéK"
    const a = utf8Text(counted), b = utf8Text(counted);
    expect(same(a, utf8("OéK"))).toBe(true);
    a[0] = 0x78;                                                       // a copy: the static bytes stay
    expect(same(b, utf8("OéK"))).toBe(true);
    expect(same(utf8Text(counted), utf8("OéK"))).toBe(true);
    expect(utf8Text(memory.data<u8>([0])).length).toBe(0);
  });

  it("starts over on every compose()", () => {
    compose().add("a long first text");
    expect(same(compose().add("b").toBytes(), encoded("b"))).toBe(true);
  });

  it("keeps whole characters up to the display's limit and ends the text at the first that does not fit", () => {
    let c = compose();
    for (let i = 0; i < MAX_DISPLAY_TEXT - 1; i++) c.add("x");
    c.add("é").add("y").num(5);            // é needs two bytes and one is left: the text ends
    expect(c.length).toBe(MAX_DISPLAY_TEXT - 1);
    c = compose();
    for (let i = 0; i < MAX_DISPLAY_TEXT - 2; i++) c.add("x");
    c.add("yz").add("w");
    expect(c.length).toBe(MAX_DISPLAY_TEXT);
    expect(c.toBytes()[MAX_DISPLAY_TEXT - 1]).toBe(0x7a);
    c = compose();
    for (let i = 0; i < MAX_DISPLAY_TEXT - 2; i++) c.add("x");
    c.num(123).add("y");
    expect(c.length).toBe(MAX_DISPLAY_TEXT - 2);
  });
});

describe("utf8", () => {
  it("is String.UTF8.encode", () => {
    const texts: string[] = ["", "abc", "abcdefgh", "40 °C", "€uro", "x😀y", "lone \uD800 high", "lone \uDC00", "end \uD83D"];
    for (let i = 0; i < texts.length; i++) expect(same(utf8(texts[i]), encoded(texts[i]))).toBe(true, texts[i]);
  });
});
