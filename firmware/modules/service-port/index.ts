// modules/service-port: the wired service port's one answer per request (devkit
// WIRE.md). The frame codec lives in core/codecs/service-frame.ts.
import * as board from "../../board/index";
import { E_RANGE, E_MALFORMED, E_UNSUPPORTED } from "../../core/errors";
import { HEADER, encodeAnswer, parseRequest } from "../../core/codecs/service-frame";
import { CredentialStore } from "../credential-store/index";
import { KeyRange } from "../../storage/keyspace";
export { parseRequest, ServiceRequest } from "../../core/codecs/service-frame";

/** Op 01 PROVISION (devkit WIRE.md): the factory burns the serial. */
export const OP_PROVISION: u8 = 0x01;

/** The service port keeps no records of its own. */
export const KEYS: KeyRange[] = [];

/** Sends the one answer every request gets; returns its status. */
export function reply(op: u8, rc: i32, data: Uint8Array): i32 {
  if (data.length > board.MAX_LINK_FRAME - HEADER) { rc = E_RANGE; data = new Uint8Array(0); }
  board.linkSend(board.Link.SERVICE, encodeAnswer(op, rc, data));
  return rc;
}

/** A production image's service port: the factory's PROVISION request and nothing else. */
export function handleFactory(store: CredentialStore, frame: Uint8Array): i32 {
  const req = parseRequest(frame);
  const op: u8 = frame.length > 0 ? frame[0] : 0;
  if (req === null) return reply(op, E_MALFORMED, new Uint8Array(0));
  return reply(op, req.op == OP_PROVISION ? store.provisionFactory(board.text(req.data)) : E_UNSUPPORTED, new Uint8Array(0));
}
