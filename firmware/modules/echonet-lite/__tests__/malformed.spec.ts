// Malformed datagrams: each refused with its error code by the codec and left unanswered by
// the node, and nothing read past the datagram's length (a read past a typed array traps
// here, and every decode below is given a length shorter than its buffer somewhere).
import { OK, E_MALFORMED, E_RANGE, E_UNSUPPORTED } from "../../../core/errors";
import { Frame, FrameWriter, MAX_FRAME, MAX_PROPERTIES, decodeFrame } from "..";
import { TestMeter, node, answerBytes, hex, cat } from "./rig";

const VECTORS = [
  "1081 0001 05FF01 028801 62 01 E700",
  "1081 0001 028801 05FF01 72 01 E704000001F4",
  "1081 1234 028801 05FF01 52 01 E700",
  "1081 0001 0EF001 0EF001 73 01 D50401028801",
  "1081 0001 028801 05FF01 72 01 EA0B07E8010F0A1E0000001234",
  "1081 0002 05FF01 028801 62 03 E700 E000 9F00",
];
const frame = new Frame();
function decode(b: Uint8Array): i32 {
  const rc = decodeFrame(b, b.length, frame);
  if (rc != OK) expect(frame.count).toBe(0);
  return rc;
}
function unanswered(b: Uint8Array): bool {
  const m = new TestMeter();
  m.watts = 500;
  return answerBytes(node(m), b).length == 0;
}
function withOpc(head: string, n: i32, property: string): Uint8Array {
  const parts: Uint8Array[] = [hex(head)];
  parts[0][11] = <u8>n;
  for (let k = 0; k < n; k++) parts.push(hex(property));
  return cat(parts);
}

describe("malformed frames", () => {
  it("every truncation of every vector: E_MALFORMED, no answer", () => {
    for (let v = 0; v < VECTORS.length; v++) {
      const b = hex(VECTORS[v]);
      for (let n = 0; n < b.length; n++) {
        const cut = b.slice(0, n);
        expect(decode(cut)).toBe(E_MALFORMED);
        expect(unanswered(cut)).toBe(true);
        // the same cut as a length inside the whole buffer: only len bytes are read
        expect(decodeFrame(b, n, frame)).toBe(E_MALFORMED);
      }
      expect(decode(b)).toBe(OK);
    }
  });

  it("a PDC past the end, a PDC short of the end (trailing bytes), an OPC past the properties", () => {
    expect(decode(hex("1081 0001 028801 05FF01 72 01 E705000001F4"))).toBe(E_MALFORMED);
    expect(decode(hex("1081 0001 028801 05FF01 72 01 E7FF000001F4"))).toBe(E_MALFORMED);
    expect(decode(hex("1081 0001 028801 05FF01 72 01 E703000001F4"))).toBe(E_MALFORMED);
    expect(decode(hex("1081 0001 05FF01 028801 62 01 E700 00"))).toBe(E_MALFORMED);   // never padded
    expect(decode(hex("1081 0001 05FF01 028801 62 02 E700"))).toBe(E_MALFORMED);
    expect(decode(hex("1081 0001 05FF01 028801 62 02 E700 E0"))).toBe(E_MALFORMED);
    expect(unanswered(hex("1081 0001 05FF01 028801 62 02 E700 E0"))).toBe(true);
  });

  it("a wrong EHD1 or EHD2: E_UNSUPPORTED, no answer", () => {
    const heads = ["8081", "0081", "1082", "1080", "1001"];
    for (let k = 0; k < heads.length; k++) {
      const b = hex(heads[k] + "0001 05FF01 028801 62 01 E700");
      expect(decode(b)).toBe(E_UNSUPPORTED);
      expect(unanswered(b)).toBe(true);
    }
  });

  it("OPC 0 or over MAX_PROPERTIES: E_RANGE, no answer; MAX_PROPERTIES itself is served", () => {
    const head = "1081 0001 05FF01 028801 62 00";
    expect(decode(hex(head))).toBe(E_RANGE);
    expect(unanswered(hex(head))).toBe(true);
    const tooMany = withOpc(head, MAX_PROPERTIES + 1, "E700");
    expect(decode(tooMany)).toBe(E_RANGE);
    expect(unanswered(tooMany)).toBe(true);
    const most = withOpc(head, MAX_PROPERTIES, "E700");
    expect(decode(most)).toBe(OK);
    expect(unanswered(most)).toBe(false);
    expect(decode(withOpc(head, 255, "E700"))).toBe(E_RANGE);
  });

  it("SetGet (two property lists) is not served: E_UNSUPPORTED, no answer", () => {
    const b = hex("1081 0001 05FF01 028801 6E 01 E50107 01 E000");
    expect(decode(b)).toBe(E_UNSUPPORTED);
    expect(unanswered(b)).toBe(true);
  });

  it("a datagram over MAX_FRAME: E_MALFORMED", () => {
    const b = new Uint8Array(MAX_FRAME + 1);
    b.set(hex("1081 0001 05FF01 028801 61 04"), 0);
    for (let k = 0; k < 4; k++) { const at = 12 + k * 254; b[at] = 0xf0; b[at + 1] = 252; }
    expect(decode(b)).toBe(E_MALFORMED);
    expect(decodeFrame(b, MAX_FRAME, frame)).toBe(E_MALFORMED);      // its first 1024 bytes end inside a property
  });

  it("every byte of every vector replaced: no trap, answers within MAX_FRAME that decode", () => {
    const answerFrame = new Frame();
    let answered = 0;
    for (let v = 0; v < VECTORS.length; v++) {
      const b = hex(VECTORS[v]);
      for (let i = 0; i < b.length; i++) {
        for (let x = 0; x < 256; x += 17) {
          const d = b.slice(0);
          d[i] = <u8>x;
          const m = new TestMeter();
          const n = node(m);
          const len = n.handle(d, d.length);
          expect(len <= MAX_FRAME).toBe(true);
          if (len > 0) {
            answered++;
            expect(decodeFrame(n.out.buf, len, answerFrame)).toBe(OK);
          }
        }
      }
    }
    expect(answered > 0).toBe(true);
  });

  it("a writer never writes past its buffer", () => {
    const w = new FrameWriter(16);
    w.head(1, 0x05ff01, 0x028801, 0x62);
    for (let k = 0; k < 10; k++) w.empty(0xe7);
    expect(w.over).toBe(true);
    expect(w.len).toBe(16);
  });
});
