// The wired service port's frame format, shared by every image (devkit WIRE.md):
//   request: op u8 | record id u16 | length u16 | data
//   answer:  op|0x80 u8 | status i8 | length u16 | data
import { getU16BE, putU16BE, slice } from "./bytes";

export const HEADER: i32 = 5;

export class ServiceRequest {
  constructor(public op: u8, public id: u32, public data: Uint8Array) {}
}

/** The request, or null when the length field does not match the frame. */
export function parseRequest(frame: Uint8Array): ServiceRequest | null {
  if (frame.length < HEADER || <i32>getU16BE(frame, 3) != frame.length - HEADER) return null;
  return new ServiceRequest(frame[0], getU16BE(frame, 1), slice(frame, HEADER, frame.length - HEADER));
}

/** The answer frame; the caller keeps data within its link's frame limit. */
export function encodeAnswer(op: u8, rc: i32, data: Uint8Array): Uint8Array {
  const f = new Uint8Array(HEADER + data.length);
  f[0] = op | 0x80;
  f[1] = <u8>rc;
  putU16BE(f, 3, <u32>data.length);
  f.set(data, HEADER);
  return f;
}
