// Not a unit test: an entry that test/echonet-codec.test.ts compiles on its own, so the
// firmware's frame codec and the HEMS side's (host-sim/echonet/frame.ts) answer the same
// datagrams and their answers can be compared byte for byte.
import { OK } from "../../../core/errors";
import { Frame, FrameWriter, MAX_FRAME, decodeFrame, encodeFrame } from "..";
// The images' abort (asconfig routes the compiler's abort to the board's panic).
import "../../../board/abort";

const IO_SIZE: i32 = 2048;
const io = memory.data(IO_SIZE);
const input = new Uint8Array(IO_SIZE);
const frame = new Frame();
const writer = new FrameWriter(MAX_FRAME);

export function ioBuffer(): usize { return io; }
export function ioSize(): i32 { return IO_SIZE; }

/** Decodes the len bytes at ioBuffer(); if they are accepted, writes the decoded frame
 *  again and leaves it at ioBuffer(). Its length, or the error of decoding or writing. */
export function roundTrip(len: i32): i32 {
  for (let k = 0; k < len; k++) input[k] = load<u8>(io + <usize>k);
  const rc = decodeFrame(input, len, frame);
  if (rc != OK) return rc;
  const n = encodeFrame(frame, writer);
  if (n < 0) return n;
  for (let k = 0; k < n; k++) store<u8>(io + <usize>k, writer.buf[k]);
  return n;
}
