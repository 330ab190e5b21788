import { decodeNdef, encodeNdef, NdefRecord, Tnf, MAX_RECORDS } from "../ndef";
import { TlvReader, TlvWriter, TLV_NDEF_MESSAGE } from "../tlv";
import { OK, E_MALFORMED, E_NOTFOUND, E_RANGE, E_UNSUPPORTED } from "../../errors";
import { utf8, text } from "../../../board/index";

function bytes(a: i32[]): Uint8Array { const b = new Uint8Array(a.length); for (let i = 0; i < a.length; i++) b[i] = <u8>a[i]; return b; }
function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

// STMicroelectronics AN3408 (DocID018867 Rev 4), Table 25 "URI record message
// structure": the URL http://www.st.com as an NDEF Message TLV on a tag, followed by the
// Terminator TLV.
const ST_URI_TAG: i32[] = [0x03, 0x0b, 0xd1, 0x01, 0x07, 0x55, 0x01, 0x73, 0x74, 0x2e, 0x63, 0x6f, 0x6d, 0xfe];

describe("NDEF", () => {
  it("reads the published URI record example through its tag TLV", () => {
    const r = new TlvReader(bytes(ST_URI_TAG));
    expect(r.next()).toBe(OK);
    expect(r.tag).toBe(TLV_NDEF_MESSAGE);
    const m = decodeNdef(r.value);
    expect(m.error).toBe(OK);
    expect(m.records.length).toBe(1);
    const rec = m.records[0];
    expect(rec.tnf).toBe(Tnf.WELL_KNOWN);
    expect(text(rec.type)).toBe("U");
    expect(rec.payload[0]).toBe(0x01);                       // "http://www."
    expect(text(rec.payload.subarray(1))).toBe("st.com");
    expect(r.next()).toBe(E_NOTFOUND);                       // the Terminator TLV ends it
  });

  it("writes the same bytes as the published example", () => {
    const payload = new Uint8Array(7);
    payload[0] = 0x01;
    payload.set(utf8("st.com"), 1);
    const msg = encodeNdef([new NdefRecord(Tnf.WELL_KNOWN, utf8("U"), new Uint8Array(0), payload)])!;
    const tag = new TlvWriter().add(TLV_NDEF_MESSAGE, msg).finish(true)!;
    expect(same(tag, bytes(ST_URI_TAG))).toBe(true);
  });

  it("round-trips several records, ids and a long payload", () => {
    const big = new Uint8Array(300);
    big[299] = 7;
    const recs: NdefRecord[] = [
      new NdefRecord(Tnf.WELL_KNOWN, utf8("Hs"), new Uint8Array(0), bytes([0x12])),
      new NdefRecord(Tnf.MEDIA, utf8("application/vnd.wfa.wsc"), utf8("0"), big),
    ];
    const m = decodeNdef(encodeNdef(recs)!);
    expect(m.error).toBe(OK);
    expect(m.records.length).toBe(2);
    expect(text(m.records[1].id)).toBe("0");
    expect(m.records[1].payload.length).toBe(300);
    expect(m.records[1].payload[299]).toBe(7);
  });

  it("refuses truncated, unterminated, chunked and oversize messages", () => {
    const good = bytes(ST_URI_TAG).slice(2, 13);
    expect(decodeNdef(good.slice(0, 10)).error).toBe(E_MALFORMED);    // payload cut short
    const trailing = new Uint8Array(12); trailing.set(good, 0);
    expect(decodeNdef(trailing).error).toBe(E_MALFORMED);              // bytes after ME
    const noEnd = good.slice(0); noEnd[0] = 0x91;                      // MB without ME
    expect(decodeNdef(noEnd).error).toBe(E_MALFORMED);
    const noBegin = good.slice(0); noBegin[0] = 0x51;                  // first without MB
    expect(decodeNdef(noBegin).error).toBe(E_MALFORMED);
    const chunked = good.slice(0); chunked[0] = 0xf1;
    expect(decodeNdef(chunked).error).toBe(E_UNSUPPORTED);
    expect(decodeNdef(bytes([0xc1, 0x01, 0x7f, 0xff, 0xff, 0xff, 0x55])).error).toBe(E_RANGE); // 2 GiB payload
    expect(decodeNdef(bytes([0xd0, 0x01, 0x00, 0x55])).error).toBe(E_MALFORMED); // EMPTY with a type
    expect(decodeNdef(new Uint8Array(0)).error).toBe(E_MALFORMED);
    const many: NdefRecord[] = [];
    for (let i = 0; i <= MAX_RECORDS; i++) many.push(new NdefRecord(Tnf.EMPTY, new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)));
    expect(encodeNdef(many) === null).toBe(true);
    const bad = decodeNdef(bytes([0xd1, 0x01, 0x00]));
    expect(bad.records.length).toBe(0);
  });
});

describe("TLV", () => {
  it("reads short and long forms and skips NULL blocks", () => {
    const v = new Uint8Array(300); v[0] = 9;
    const b = new TlvWriter().add(0x10, bytes([1, 2])).add(0x11, v).finish()!;
    expect(b[2 + 2 + 1]).toBe(0xff);                          // long form marker
    const padded = new Uint8Array(b.length + 2); padded.set(b, 2); // two NULL TLVs first
    const r = new TlvReader(padded);
    expect(r.next()).toBe(OK); expect(r.tag).toBe(0x10); expect(r.value.length).toBe(2);
    expect(r.next()).toBe(OK); expect(r.tag).toBe(0x11); expect(r.value.length).toBe(300); expect(r.value[0]).toBe(9);
    expect(r.next()).toBe(E_NOTFOUND);
  });

  it("refuses overruns, bad long forms and values over the caller's bound", () => {
    expect(new TlvReader(bytes([0x10, 0x05, 1, 2])).next()).toBe(E_MALFORMED);
    expect(new TlvReader(bytes([0x10])).next()).toBe(E_MALFORMED);
    expect(new TlvReader(bytes([0x10, 0xff, 0x00, 0x10])).next()).toBe(E_MALFORMED); // long form < 0xFF
    expect(new TlvReader(bytes([0x10, 0x03, 1, 2, 3]), 2).next()).toBe(E_RANGE);
    const r = new TlvReader(bytes([0x10, 0x05, 1]));
    expect(r.next()).toBe(E_MALFORMED);
    expect(r.next()).toBe(E_MALFORMED);                       // stays stopped
    expect(new TlvWriter().add(0xfe, new Uint8Array(0)).finish() === null).toBe(true);
  });
});
