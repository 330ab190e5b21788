// The air of the simulated home: the router's network, the Wi-Fi Direct groups devices
// own, and the short-range links between phones and devices, under the physical rules of
// the printer's PROTOCOL.md §1 and boards/ABI.md "Wi-Fi":
// - NFC: a phone touches one device at a time; a tap is a LINK(NFC) event with an empty
//   frame, and what the device sends on NFC during that event reaches only that phone.
// - BLE: phones at home are in range of every device; answers go to the phone whose frame
//   the device is answering, anything else to the last phone that wrote to it.
// - Wi-Fi Direct: a device owns a group while it says so (wifi_group); a phone joins with
//   the exact SSID and passphrase, and only members exchange frames with the owner. A new
//   group, the end of one, or the owner's power loss disconnects every member.
// - Router: wifi_join is judged against the router's SSID and key and answered with a WIFI
//   event; a device whose Wi-Fi is board configuration is on the network from power-on.
//   isOnLan() and onStation() are the gate the MQTT bridge and the LAN router consult.
import type { DeviceCall } from "../device/runner-types.ts";
import { EventKind, LinkId } from "../device/types.ts";
import { PhoneRadio } from "./phone-radio.ts";
import { JOINED, LEFT, judgeJoin } from "./station.ts";
import { RadioRefused, type RadioDevice, type RadioFlow, type RadioLink, type RouterSettings, type WifiSetup } from "./types.ts";

const LINK_IDS: Record<RadioLink, number> = { NFC: LinkId.NFC, BLE: LinkId.BLE, WIFI_DIRECT: LinkId.WIFI_DIRECT };
const LINK_OF = new Map<number, RadioLink>(Object.entries(LINK_IDS).map(([k, v]) => [v, k as RadioLink]));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

interface Group { ssid: Uint8Array; pass: Uint8Array; members: Set<string> }

/** One device's side of the air. */
interface OnAir {
  device: RadioDevice;
  wifi: WifiSetup;
  /** Its station is associated with the router (image Wi-Fi), or the router is up (board). */
  joined: boolean;
  group: Group | null;
  /** The last phone that wrote on BLE / Wi-Fi Direct: where frames nobody asked for go. */
  peer: Map<RadioLink, string>;
}

/** A frame on its way into a device, by identity: the call that carries it is its sender's. */
interface InFlight { phone: string; link: RadioLink }

export interface AirspaceOptions {
  /** The home router's network; null: no router (every station join is E_NOTFOUND). */
  router: RouterSettings | null;
}

export class Airspace {
  private router: RouterSettings | null;
  private readonly devices = new Map<string, OnAir>();
  private readonly phones = new Map<string, PhoneRadio>();
  private readonly inFlight = new Map<Uint8Array, InFlight>();
  private readonly flowListeners: ((f: RadioFlow) => void)[] = [];
  private readonly stationListeners: ((device: string, onLan: boolean) => void)[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(o: AirspaceOptions) { this.router = o.router; }

  /** Puts a device on the air. Call before its first power-on, so its boot is seen. */
  attach(device: RadioDevice, o: { wifi: WifiSetup }): void {
    const name = device.o.name;
    if (this.devices.has(name)) throw new Error(`${name} is already on the air`);
    const air: OnAir = { device, wifi: o.wifi, joined: o.wifi === "board" && this.router !== null, group: null, peer: new Map() };
    this.devices.set(name, air);
    device.onCall((c) => this.onCall(air, c));
  }

  /** The radio of a phone (made on first use); it starts away from home. */
  phone(name: string): PhoneRadio {
    let p = this.phones.get(name);
    if (!p) { p = new PhoneRadio(name, this); this.phones.set(name, p); }
    return p;
  }

  /** Whether the device is on the home network now: the MQTT bridge's and the LAN's gate. */
  isOnLan(device: string): boolean { return this.devices.get(device)?.joined ?? false; }

  /** Called whenever a device comes onto the home network or leaves it. */
  onStation(l: (device: string, onLan: boolean) => void): void { this.stationListeners.push(l); }
  onFlow(l: (f: RadioFlow) => void): void { this.flowListeners.push(l); }

  /** The router's network changes (a new key, or null: switched off). Every station on it
   *  is dropped (WIFI 0 for the image-joined ones); board-configured devices follow the
   *  router (installers re-enter its settings), image-joined ones must join again. */
  setRouter(router: RouterSettings | null): void {
    this.router = router;
    for (const [name, air] of this.devices) {
      if (air.wifi === "board") this.setJoined(name, air, router !== null);
      else if (air.joined) { this.setJoined(name, air, false); this.deliverWifi(air, LEFT); }
    }
  }

  /** The Wi-Fi Direct group a device owns now (its SSID), or null. */
  groupOf(device: string): string | null {
    const g = this.devices.get(device)?.group;
    return g ? text(g.ssid) : null;
  }

  /** Phones in a device's group. */
  membersOf(device: string): string[] { return [...(this.devices.get(device)?.group?.members ?? [])]; }

  /** Waits until every WIFI event the air delivered (and what followed from it) was handled. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  // ---- for PhoneRadio

  /** One frame from a phone to a device on a radio link, if the physical rules allow it. */
  async send(phone: PhoneRadio, device: string, link: RadioLink, frame: Uint8Array): Promise<number | null> {
    const air = this.devices.get(device);
    if (!air) throw new RadioRefused(phone.name, `no device called ${device} on the air`);
    const refused = this.refusal(phone, device, link);
    if (refused) {
      this.flow({ kind: "frame", link, from: phone.name, to: device, bytes: frame.length, type: frame[0], refused });
      throw new RadioRefused(phone.name, refused);
    }
    if (link !== "NFC") air.peer.set(link, phone.name);
    const payload = frame.slice(); // its own identity, whatever the caller does with frame
    this.inFlight.set(payload, { phone: phone.name, link });
    if (link === "NFC") phone.touching = device;
    this.flow({ kind: "frame", link, from: phone.name, to: device, bytes: payload.length, type: payload[0] });
    try {
      return (await air.device.deliver({ kind: EventKind.LINK, arg: LINK_IDS[link], payload })).result;
    } finally {
      this.inFlight.delete(payload);
      if (link === "NFC") phone.touching = null;
    }
  }

  /** A phone joins the group with this SSID, if it is in range and holds its passphrase. */
  joinGroup(phone: PhoneRadio, ssid: string, pass: string): string {
    if (!phone.atHome) throw new RadioRefused(phone.name, `no Wi-Fi Direct group ${ssid} in range (away from home)`);
    const owner = [...this.devices].find(([, a]) => a.group && text(a.group.ssid) === ssid);
    if (!owner) throw new RadioRefused(phone.name, `no Wi-Fi Direct group ${ssid} in range`);
    const [name, air] = owner;
    if (text(air.group!.pass) !== pass) throw new RadioRefused(phone.name, `the passphrase of ${ssid} is wrong`);
    this.leaveGroup(phone);
    air.group!.members.add(phone.name);
    phone.group = name;
    this.flow({ kind: "group", device: name, ssid, members: air.group!.members.size });
    return name;
  }

  leaveGroup(phone: PhoneRadio): void {
    const g = phone.group ? this.devices.get(phone.group)?.group : null;
    g?.members.delete(phone.name);
    phone.group = null;
  }

  // ---- the devices' side

  private refusal(phone: PhoneRadio, device: string, link: RadioLink): string | null {
    if (link === "NFC") return phone.touching ? `already touching ${phone.touching}: one device at a time` : null;
    if (link === "BLE") return phone.atHome ? null : `${device} is out of BLE range`;
    return phone.group === device ? null : `not in ${device}'s Wi-Fi Direct group`;
  }

  private onCall(air: OnAir, c: DeviceCall): void {
    const name = air.device.o.name;
    if (c.input.call === "boot") this.powerLost(name, air);
    const from = c.input.call === "event" && c.input.kind === EventKind.LINK ? this.inFlight.get(c.input.payload) : undefined;
    for (const o of c.outputs) {
      if (o.t === "link") {
        const link = LINK_OF.get(o.link);
        if (link) this.fromDevice(name, air, link, o.data, from);
      } else if (o.t === "wifi_join") this.join(name, air, o.ssid, o.key);
      else if (o.t === "wifi_group") this.setGroup(name, air, o.ssid.length ? { ssid: o.ssid, pass: o.pass, members: new Set() } : null);
    }
  }

  /** Power came back: the radio forgot its group and (image Wi-Fi) its association. */
  private powerLost(name: string, air: OnAir): void {
    this.setGroup(name, air, null);
    air.peer.clear();
    if (air.wifi === "image") this.setJoined(name, air, false);
  }

  private fromDevice(name: string, air: OnAir, link: RadioLink, data: Uint8Array, from: InFlight | undefined): void {
    // An answer goes to the phone whose frame the device is handling; NFC has no one else.
    const to = from && from.link === link ? from.phone : link === "NFC" ? undefined : air.peer.get(link);
    const phone = to ? this.phones.get(to) : undefined;
    const gone = !phone ? "nobody to receive it"
      : link === "NFC" ? null
      : link === "BLE" ? (phone.atHome ? null : `${to} left BLE range`)
      : (phone.group === name ? null : `${to} is not in the group`);
    this.flow({ kind: "frame", link, from: name, to: to ?? "(nobody)", bytes: data.length, type: data[0], ...(gone ? { refused: gone } : {}) });
    if (!gone) phone!.port(link, name).deliver(data);
  }

  private join(name: string, air: OnAir, ssid: Uint8Array, key: Uint8Array): void {
    if (ssid.length === 0) {
      const was = air.joined;
      this.setJoined(name, air, false);
      this.flow({ kind: "station", device: name, ssid: "", result: LEFT });
      if (was) this.deliverWifi(air, LEFT);
      return;
    }
    const result = judgeJoin(this.router, ssid, key);
    this.setJoined(name, air, result === JOINED);
    this.flow({ kind: "station", device: name, ssid: text(ssid), result });
    this.deliverWifi(air, result);
  }

  private setGroup(name: string, air: OnAir, group: Group | null): void {
    const old = air.group;
    if (!old && !group) return;
    for (const p of old?.members ?? []) { const ph = this.phones.get(p); if (ph) ph.group = null; }
    air.group = group;
    air.peer.delete("WIFI_DIRECT");
    this.flow({ kind: "group", device: name, ssid: group ? text(group.ssid) : null, members: 0 });
  }

  private setJoined(name: string, air: OnAir, joined: boolean): void {
    if (air.joined === joined) return;
    air.joined = joined;
    for (const l of this.stationListeners) l(name, joined);
  }

  private deliverWifi(air: OnAir, arg: number): void {
    const p = air.device.deliver({ kind: EventKind.WIFI, arg }).catch(() => undefined);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private flow(f: RadioFlow): void { for (const l of this.flowListeners) l(f); }
}
