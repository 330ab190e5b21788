import { FieldReader, withString, statusFrame } from "../fields";
import { OK, E_MALFORMED, E_LOCKED } from "../../errors";

describe("length-prefixed fields", () => {
  it("reads what withString wrote", () => {
    const b = withString(withString(new Uint8Array(1), "abc"), "");
    const r = new FieldReader(b, 1);
    expect(r.str(64)).toBe("abc");
    expect(r.str(64)).toBe("");
    expect(r.done).toBe(true);
    expect(r.error).toBe(OK);
  });

  it("marks overruns, over-long fields and leftovers as malformed", () => {
    const b = withString(new Uint8Array(0), "abcdef");
    expect(new FieldReader(b, 0).str(5)).toBe("");
    const short = new FieldReader(b.slice(0, 4), 0);
    expect(short.str(64)).toBe("");
    expect(short.error).toBe(E_MALFORMED);
    const extra = new FieldReader(b, 0);
    extra.bytes(2);
    expect(extra.done).toBe(false);
    expect(new FieldReader(b, 0).bytes(-1).length).toBe(0);
  });

  it("encodes a status as one signed byte", () => {
    const f = statusFrame(0xff, E_LOCKED);
    expect(f[0]).toBe(0xff);
    expect(<i8>f[1]).toBe(<i8>E_LOCKED);
  });
});
