// modules/service-port: the wired service port's one answer per request (devkit
// WIRE.md). The frame codec lives in core/codecs/service-frame.ts.
import * as board from "../../board/index";
import { E_RANGE } from "../../core/errors";
import { HEADER, encodeAnswer } from "../../core/codecs/service-frame";
import { KeyRange } from "../../storage/keyspace";
export { parseRequest, ServiceRequest } from "../../core/codecs/service-frame";

/** The service port keeps no records of its own. */
export const KEYS: KeyRange[] = [];

/** Sends the one answer every request gets; returns its status. */
export function reply(op: u8, rc: i32, data: Uint8Array): i32 {
  if (data.length > board.MAX_LINK_FRAME - HEADER) { rc = E_RANGE; data = new Uint8Array(0); }
  board.linkSend(board.Link.SERVICE, encodeAnswer(op, rc, data));
  return rc;
}
