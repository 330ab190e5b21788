// Not a unit test: an entry that test/echonet-codec.test.ts compiles on its own, so the
// firmware's frame codec and the HEMS side's (host-sim/echonet/frame.ts) answer the same
// datagrams and their answers can be compared byte for byte, and the HEMS side reads the
// node's answer to each of them.
import { OK } from "../../../core/errors";
import { Frame, FrameWriter, MAX_FRAME, decodeFrame, encodeFrame, EchonetNode, NodeConfig, MeterProvider, History, FixedTimeEnergy } from "..";
// The images' abort (asconfig routes the compiler's abort to the board's panic).
import "../../../board/abort";

/** A meter holding every property; E5 and 81 settable (test/echonet-codec.test.ts reads
 *  these values back from the answers). */
class Meter extends MeterProvider {
  day: u8 = 0;
  where: u8 = 0;
  operationStatus(): i64 { return 0x30; }
  location(): i64 { return this.where; }
  setLocation(code: u8): bool { this.where = code; return true; }
  faultStatus(): i64 { return 0x42; }
  coefficient(): i64 { return 1; }
  digits(): i64 { return 6; }
  energy(): i64 { return 4660; }
  unit(): i64 { return 0x01; }
  history(h: History): bool {
    h.day = this.day;
    for (let k = 0; k < h.slots.length; k++) h.slots[k] = <u32>k;
    return true;
  }
  historyDay(): i64 { return this.day; }
  setHistoryDay(day: u8): bool { this.day = day; return true; }
  power(): i64 { return 500; }
  fixedTimeEnergy(r: FixedTimeEnergy): bool {
    r.year = 2024; r.month = 1; r.day = 15; r.hour = 10; r.minute = 30; r.second = 0; r.energy = 4660;
    return true;
  }
}

const IO_SIZE: i32 = 2048;
const io = memory.data(IO_SIZE);
const input = new Uint8Array(IO_SIZE);
const frame = new Frame();
const writer = new FrameWriter(MAX_FRAME);
const node = new EchonetNode(new NodeConfig(), new Meter());

export function ioBuffer(): usize { return io; }
export function ioSize(): i32 { return IO_SIZE; }

function take(len: i32): void { for (let k = 0; k < len; k++) input[k] = load<u8>(io + <usize>k); }
function give(b: Uint8Array, n: i32): void { for (let k = 0; k < n; k++) store<u8>(io + <usize>k, b[k]); }

/** Decodes the len bytes at ioBuffer(); if they are accepted, writes the decoded frame
 *  again and leaves it at ioBuffer(). Its length, or the error of decoding or writing. */
export function roundTrip(len: i32): i32 {
  take(len);
  const rc = decodeFrame(input, len, frame);
  if (rc != OK) return rc;
  const n = encodeFrame(frame, writer);
  if (n < 0) return n;
  give(writer.buf, n);
  return n;
}

/** The node's answer to the len bytes at ioBuffer(), left there: its length, 0 for none. */
export function answer(len: i32): i32 {
  take(len);
  const n = node.handle(input, len);
  give(node.out.buf, n);
  return n;
}
