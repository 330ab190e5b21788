// Not a unit test: an entry that test/handover-codec.test.ts compiles on its own, so the
// firmware's codec and the phone's (host-sim/phone/handover.ts) answer the same inputs and
// their answers can be compared byte for byte.
import { OK, E_NOSPACE } from "../../../core/errors";
import { decodeHandover, encodeHandover } from "..";
// The images' abort (asconfig routes the compiler's abort to the board's panic).
import "../../../board/abort";

const IO_SIZE: i32 = 2048;
const io = memory.data(IO_SIZE);

export function ioBuffer(): usize { return io; }
export function ioSize(): i32 { return IO_SIZE; }

/** Decodes the len bytes at ioBuffer(); if they are accepted, encodes what was decoded and
 *  leaves it at ioBuffer(). The re-encoded length, or the error of decoding or encoding. */
export function roundTrip(len: i32): i32 {
  const input = new Uint8Array(len);
  for (let k = 0; k < len; k++) input[k] = load<u8>(io + <usize>k);
  const h = decodeHandover(input);
  if (h.error != OK) return h.error;
  const e = encodeHandover(h);
  if (e.error != OK) return e.error;
  const b = e.bytes!;
  if (b.length > IO_SIZE) return E_NOSPACE;
  for (let k = 0; k < b.length; k++) store<u8>(io + <usize>k, b[k]);
  return b.length;
}
