// ABI v1.3 probes (boards/ABI.md, "Metering, UDP and the card reader"): every host must
// give the same results, in the same check order, for the same samples and datagrams.
import * as abi from "../../board/abi";
import { Channel, Link, MEASURE_BYTES, MAX_DATAGRAM, linkSend, measure, ptr, udpBind, udpSend, utf8 } from "../../board";
import { Reply } from "./reply";

/** Past the end of any linear memory the image has: E_RANGE on every host. */
const OUTSIDE: usize = 0xFFFFFFF8;
/** ECHONET Lite's multicast group 224.0.23.0 and a LAN host 192.168.1.9. */
const GROUP: i32 = <i32>0xE0001700;
const PEER: i32 = <i32>0xC0A80109;
const PORT: i32 = 3610;

/** 0x0E: per channel 0..4 the result and the 12 bytes written (zeros when refused: a
 *  refused call writes nothing), then channel COUNT and -1 (E_INVAL) and an output past
 *  memory (E_RANGE). */
export function measureProbe(): void {
  const r = new Reply(0x0E);
  const out = new Uint8Array(MEASURE_BYTES);
  for (let c = 0; c < Channel.COUNT; c++) {
    out.fill(0);
    r.i32(measure(c, out)).bytes(out);
  }
  r.i32(abi.measure(Channel.COUNT, ptr(out))).i32(abi.measure(-1, ptr(out))).i32(abi.measure(Channel.IMPORT, OUTSIDE));
  r.send();
}

/** 0x0F: udp_send before a bind (E_STATE); udp_bind's refusals (E_INVAL) and a bind to
 *  PORT with the group; udp_send's refusals in check order; two datagrams that go out
 *  (to the group, and MAX_DATAGRAM bytes to PEER); port 0 stops (E_STATE again); bound
 *  again for the UDP events that follow. */
export function udpProbe(): void {
  const hello = utf8("conf-udp"), big = new Uint8Array(MAX_DATAGRAM + 1);
  big.fill(0x55);
  const r = new Reply(0x0F);
  r.i32(udpSend(PEER, PORT, hello, hello.length));
  r.i32(udpBind(65536, 0)).i32(udpBind(-1, 0)).i32(udpBind(PORT, PEER));
  r.i32(udpBind(PORT, GROUP));
  r.i32(udpSend(0, PORT, hello, hello.length)).i32(udpSend(PEER, 0, hello, hello.length)).i32(udpSend(PEER, 65536, hello, hello.length));
  r.i32(abi.udp_send(PEER, PORT, ptr(big), MAX_DATAGRAM + 1)).i32(abi.udp_send(PEER, PORT, OUTSIDE, 8));
  r.i32(udpSend(GROUP, PORT, hello, hello.length)).i32(udpSend(PEER, 40000, big, MAX_DATAGRAM));
  r.i32(udpBind(0, GROUP)).i32(udpSend(PEER, PORT, hello, hello.length));
  r.i32(udpBind(PORT, GROUP));
  r.send();
}

/** A UDP event: the datagram goes back to its sender's port (when the payload holds a
 *  port), then reply 0x12: sender, payload length, the sender's port, udp_send's result. */
export function onUdp(sender: i32, payload: Uint8Array): void {
  const r = new Reply(0x12).i32(sender).i32(payload.length);
  if (payload.length < 2) { r.i32(-1).i32(0).send(); return; }
  const port = (<i32>payload[0] << 8) | <i32>payload[1];
  const datagram = payload.subarray(2);
  r.i32(port).i32(udpSend(sender, port, datagram, datagram.length)).send();
}

/** 0x10: a re-read request for each card slot (0..2) on the CARD link, and a link past
 *  the last (E_INVAL). */
export function cardProbe(): void {
  const slot = new Uint8Array(1);
  const r = new Reply(0x10);
  for (let s = 0; s < 3; s++) {
    slot[0] = <u8>s;
    r.i32(linkSend(Link.CARD, slot));
  }
  r.i32(linkSend(Link.COUNT, slot)).send();
}

/** A CARD frame in: reply 0x13 with its length and its first 64 bytes. */
export function onCard(frame: Uint8Array): void {
  const n = frame.length < 64 ? frame.length : 64;
  new Reply(0x13).i32(frame.length).bytes(frame.subarray(0, n)).send();
}
