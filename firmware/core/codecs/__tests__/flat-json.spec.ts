import { parseFlatJson, JsonWriter, MAX_JSON } from "../flat-json";
import { utf8 } from "../../../board/index";

function parses(s: string): bool { return parseFlatJson(utf8(s)) !== null; }

describe("flat JSON", () => {
  it("reads a command", () => {
    const j = parseFlatJson(utf8('{"cmd":12,"set":"bath_temp","value":41}'))!;
    expect(j.int("cmd", -1)).toBe(12);
    expect(j.string("set")!).toBe("bath_temp");
    expect(j.int("value", -1)).toBe(41);
    expect(j.int("missing", -7)).toBe(-7);
  });

  it("reads booleans, negatives, escapes and whitespace", () => {
    const j = parseFlatJson(utf8(' { "a" : true , "b":false, "c": -3, "d":"q\\"x\\\\y" } '))!;
    expect(j.int("a", -1)).toBe(1);
    expect(j.int("b", -1)).toBe(0);
    expect(j.int("c", 0)).toBe(-3);
    expect(j.string("d")!).toBe('q"x\\y');
  });

  it("refuses what it does not handle rather than guessing", () => {
    expect(parses('{"a":{"b":1}}')).toBe(false);       // nesting
    expect(parses('{"a":[1]}')).toBe(false);           // arrays
    expect(parses('{"a":1')).toBe(false);              // truncated
    expect(parses('{"a":1}x')).toBe(false);            // trailing bytes
    expect(parses('{"a":"\\u0041"}')).toBe(false);     // escapes other than \" and \\
    expect(parses('{"a":1.5}')).toBe(false);           // fractions
    expect(parses('{"a":12345678901234567}')).toBe(false); // more than 16 digits
    expect(parses('{a:1}')).toBe(false);
    expect(parses("")).toBe(false);
    let many = "{";
    for (let i = 0; i < 17; i++) many += (i > 0 ? "," : "") + '"k' + i.toString() + '":1';
    expect(parses(many + "}")).toBe(false);           // more than 16 fields
    const big = new Uint8Array(MAX_JSON + 1);
    big.fill(0x20);
    big[0] = 0x7b; big[MAX_JSON] = 0x7d;
    expect(parseFlatJson(big) === null).toBe(true);   // oversize
  });

  it("writes what it reads", () => {
    const s = new JsonWriter().num("n", 7).str("event", 'say "hi"').bool("on", true).toString();
    const j = parseFlatJson(utf8(s))!;
    expect(j.int("n", 0)).toBe(7);
    expect(j.string("event")!).toBe('say "hi"');
    expect(j.int("on", 0)).toBe(1);
  });

  it("decodes UTF-8 before an escape and keeps ASCII after one", () => {
    expect(parseFlatJson(utf8('{"a":"é"}'))!.string("a")!).toBe("é");
    expect(parseFlatJson(utf8('{"a":"é\\"x\\\\"}'))!.string("a")!).toBe('é"x\\');
    expect(parseFlatJson(utf8('{"\\"k":1}'))!.int('"k', 0)).toBe(1);
    expect(parses('{"a":"\\"é"}')).toBe(false);
    expect(parses('{"a":"x\\')).toBe(false);
  });

  it("writes fields in order and escapes quotes and backslashes anywhere in a value", () => {
    expect(new JsonWriter().toString()).toBe("{}");
    expect(new JsonWriter().num("a", -12).bool("b", false).str("c", "plain").toString()).toBe('{"a":-12,"b":false,"c":"plain"}');
    expect(new JsonWriter().str("s", '"a\\b"').toString()).toBe('{"s":"\\"a\\\\b\\""}');
  });
});
