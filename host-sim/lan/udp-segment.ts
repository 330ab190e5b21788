// The home LAN's UDP (ABI v1.3): one IPv4 segment, 192.168.1.0/24, behind the home router.
// Each appliance and each host endpoint (the HEMS controller) has an address. A device's
// udp_send reaches the members bound to that port: the one with that address (unicast),
// or every member of the multicast group but the sender. A device receives a datagram as
// a UDP event, arg the sender's IPv4, payload the sender's port u16 BE then the datagram;
// it is bound by its own udp_bind (the last one wins, power-on forgets it).
import { Event, MAX_DATAGRAM } from "../board/abi-constants.ts";
import type { BoardEvent, BoardOutput } from "../device/types.ts";
import type { RunnerInput } from "../device/runner-types.ts";
import { formatIpv4, isMulticast, parseIpv4 } from "./ipv4.ts";

/** What the segment needs of an appliance: HomeDevice has it. */
export interface LanDevice {
  readonly o: { readonly name: string };
  deliver(ev: BoardEvent): Promise<unknown>;
  onCall(l: (c: { input: RunnerInput; outputs: BoardOutput[] }) => void): void;
}

/** One datagram on the wire, for views and tests. */
export interface Datagram {
  from: number; fromPort: number; to: number; toPort: number; data: Uint8Array;
  /** Names of the member that sent it and of the members it reached. */
  sender: string;
  reached: string[];
}

interface Member {
  name: string;
  address: number;
  port: number;
  group: number;
  receive(from: number, fromPort: number, data: Uint8Array): Promise<unknown> | void;
}

export const SUBNET = "192.168.1.";
/** The first address handed to an appliance (.1 is the router, .2 the HEMS). */
const FIRST_DEVICE = 10;

export class UdpSegment {
  private readonly members = new Map<string, Member>();
  private readonly listeners: ((d: Datagram) => void)[] = [];
  private nextHost = FIRST_DEVICE;
  private pending: Promise<unknown>[] = [];

  onDatagram(l: (d: Datagram) => void): void { this.listeners.push(l); }

  /** An appliance joins the segment with the next free address (or the one given). */
  attach(device: LanDevice, address?: string): number {
    const name = device.o.name;
    const m: Member = {
      name, address: this.allocate(address), port: 0, group: 0,
      receive: (from, fromPort, data) => device.deliver(udpEvent(from, fromPort, data)),
    };
    this.add(m);
    device.onCall((c) => {
      if (c.input.call === "boot") { m.port = 0; m.group = 0; }
      for (const o of c.outputs) {
        if (o.t === "udp_bind") { m.port = o.port; m.group = o.group; }
        else if (o.t === "udp_send" && m.port !== 0) this.track(this.route(m, o.addr, o.port, o.data));
      }
    });
    return m.address;
  }

  /** A host's socket on the segment (the HEMS controller), bound to `port`. */
  socket(name: string, port: number, address?: string): UdpSocket {
    const s = new UdpSocket(this, name, this.allocate(address), port);
    this.add(s.member);
    return s;
  }

  addressOf(name: string): number | undefined { return this.members.get(name)?.address; }

  /** Waits until every datagram sent so far, and every one its delivery caused, arrived. */
  async settled(): Promise<void> {
    while (this.pending.length > 0) {
      const p = this.pending;
      this.pending = [];
      await Promise.all(p);
    }
  }

  /** A delivery settled() waits for; its failure surfaces there, not as an unhandled rejection. */
  private track(p: Promise<unknown>): void {
    p.catch(() => undefined);
    this.pending.push(p);
  }

  /** @internal a datagram from `from` (bound to a port) to addr:port. */
  route(from: Member, to: number, toPort: number, data: Uint8Array): Promise<unknown> {
    if (data.length > MAX_DATAGRAM) throw new RangeError(`datagram of ${data.length} bytes (at most ${MAX_DATAGRAM})`);
    const targets = [...this.members.values()].filter((m) => m !== from && m.port === toPort && m.port !== 0 &&
      (isMulticast(to) ? m.group === (to >>> 0) : m.address === (to >>> 0)));
    const d: Datagram = { from: from.address, sender: from.name, fromPort: from.port, to: to >>> 0, toPort, data: data.slice(), reached: targets.map((t) => t.name) };
    for (const l of this.listeners) l(d);
    return Promise.all(targets.map((t) => t.receive(from.address, from.port, d.data)));
  }

  private add(m: Member): void {
    if (this.members.has(m.name)) throw new Error(`${m.name} is already on the LAN`);
    if ([...this.members.values()].some((x) => x.address === m.address)) throw new Error(`${formatIpv4(m.address)} is taken`);
    this.members.set(m.name, m);
  }

  private allocate(address?: string): number {
    if (address !== undefined) return parseIpv4(address);
    return parseIpv4(SUBNET + String(this.nextHost++));
  }
}

/** A datagram that arrived at a host socket. */
export interface Received { from: number; fromPort: number; data: Uint8Array }

export class UdpSocket {
  readonly member: Member;
  private readonly queue: Received[] = [];

  constructor(private readonly segment: UdpSegment, readonly name: string, readonly address: number, port: number) {
    this.member = { name, address, port, group: 0, receive: (from, fromPort, data) => { this.queue.push({ from, fromPort, data }); } };
  }

  /** Receive what is sent to this multicast group too (IGMP join); one group. */
  join(group: string): void {
    const g = parseIpv4(group);
    if (!isMulticast(g)) throw new RangeError(`${group} is not a multicast group`);
    this.member.group = g;
  }

  /** Sends a datagram and waits until each receiver handled it (a device's answer is then
   *  in this socket's queue, or in another's). */
  async send(to: number | string, port: number, data: Uint8Array): Promise<void> {
    await this.segment.route(this.member, typeof to === "string" ? parseIpv4(to) : to, port, data);
    await this.segment.settled();
  }

  /** Takes every datagram received so far. */
  take(): Received[] { return this.queue.splice(0); }
}

/** The UDP event a device gets for a datagram (boards/ABI.md, Event.UDP). */
export function udpEvent(from: number, fromPort: number, data: Uint8Array): BoardEvent {
  const payload = new Uint8Array(2 + data.length);
  payload[0] = fromPort >> 8; payload[1] = fromPort & 0xff;
  payload.set(data, 2);
  return { kind: Event.UDP, arg: from | 0, payload };
}
