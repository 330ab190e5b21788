// The home's radios around the appliances that use them (PRINTER-CONTRACT §1): the home
// router a device joins itself (wifi_join -> WIFI event), Wi-Fi Direct groups a device
// owns (wifi_group) and the phones that joined them, NFC touch and BLE. Each phone gets a
// PhoneRadio (host-sim/phone/printer/radio.ts) through `phone(name)`. Frames on a link go
// only to the phone that last spoke to that device on it, as a radio link would.
import { EventKind, LinkId, type BoardOutput } from "../device/types.ts";
import { E_AUTH, E_NOTFOUND } from "../board/errors.ts";
import type { HomeDevice } from "./home-device.ts";
import type { HomeRouter } from "./router.ts";
import type { FramePort, PhoneRadio } from "../phone/printer/radio.ts";

export interface RouterCredentials { ssid: string; key: string }
export type RadioFlow = (e: { from: string; to: string; link: string; bytes: number; type?: number; text?: string }) => void;

interface Group { ssid: Buffer; pass: Buffer; members: Set<string> }

/** Frames from a device to one phone on one link, queued until the app reads them. */
class Inbox {
  private readonly queue: Uint8Array[] = [];
  private waiter: ((f: Uint8Array) => void) | null = null;
  put(f: Uint8Array): void { if (this.waiter) this.waiter(f); else this.queue.push(f); }
  clear(): void { this.queue.length = 0; }
  next(timeoutMs: number, what: string): Promise<Uint8Array> {
    const f = this.queue.shift();
    if (f) return Promise.resolve(f);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.waiter = null; reject(new Error(`no answer from ${what} within ${timeoutMs} ms`)); }, timeoutMs);
      this.waiter = (x) => { clearTimeout(t); this.waiter = null; resolve(x); };
    });
  }
}

const LINK_NAMES: Record<number, string> = { [LinkId.NFC]: "NFC", [LinkId.BLE]: "BLE", [LinkId.WIFI_DIRECT]: "WFD", [LinkId.LAN]: "LAN" };

export class HomeRadios {
  private readonly devices = new Map<string, HomeDevice>();
  /** Devices on the home router (board-configured ones from power-on). */
  private readonly joined = new Set<string>();
  private readonly groups = new Map<string, Group>();
  /** The phone each device last heard from on a link: its answers go there. */
  private readonly peer = new Map<string, string>();
  private readonly inboxes = new Map<string, Inbox>();
  private readonly listeners: RadioFlow[] = [];
  private readonly joinListeners: ((device: string, joined: boolean) => void)[] = [];

  constructor(readonly router: RouterCredentials, private readonly lanRouter: HomeRouter) {}

  onFlow(l: RadioFlow): void { this.listeners.push(l); }
  /** A device joined (true) or left (false) the home router. */
  onJoin(l: (device: string, joined: boolean) => void): void { this.joinListeners.push(l); }

  /** `boardWifi`: the device's Wi-Fi is board configuration (joined from power-on). */
  attach(device: HomeDevice, boardWifi: boolean): void {
    const name = device.o.name;
    this.devices.set(name, device);
    if (boardWifi) this.joined.add(name);
    device.onOutput((o) => this.output(name, o));
  }

  isJoined(device: string): boolean { return this.joined.has(device); }

  /** Power cut: the device's radios go down with it (it joins again from its flash). */
  poweredOff(device: string): void {
    this.endGroup(device);
    if (this.devices.has(device) && this.joined.delete(device)) this.emitJoin(device, false);
  }

  private output(device: string, o: BoardOutput): void {
    if (o.t === "wifi_join") this.join(device, Buffer.from(o.ssid), Buffer.from(o.key));
    else if (o.t === "wifi_group") {
      this.endGroup(device);
      if (o.ssid.length > 0) {
        this.groups.set(device, { ssid: Buffer.from(o.ssid), pass: Buffer.from(o.pass), members: new Set() });
        this.emit({ from: device, to: "(air)", link: "WFD", bytes: 0, text: `group ${Buffer.from(o.ssid).toString()} up` });
      }
    } else if (o.t === "link" && (o.link === LinkId.WIFI_DIRECT)) {
      const to = this.peer.get(`${device}/${o.link}`);
      const ok = !!to && !!this.groups.get(device)?.members.has(to);
      this.emit({ from: device, to: ok ? to! : "(nobody)", link: LINK_NAMES[o.link], bytes: o.data.length, type: o.data[0] });
      if (ok) this.inbox(to!, device, o.link).put(o.data);
    }
  }

  /** The router's answer to a join, delivered as the WIFI event after the call that asked. */
  private join(device: string, ssid: Buffer, key: Buffer): void {
    const d = this.devices.get(device)!;
    const was = this.joined.has(device);
    let result: number;
    if (ssid.length === 0) result = 0;
    else if (ssid.toString() !== this.router.ssid) result = E_NOTFOUND;
    else if (key.toString() !== this.router.key) result = E_AUTH;
    else result = 1;
    if (result === 1) this.joined.add(device); else this.joined.delete(device);
    this.emit({ from: device, to: "router", link: "WLAN", bytes: 0, text: `join ${ssid.toString() || "(leave)"} -> ${result === 1 ? "joined" : result === 0 ? "left" : result === E_AUTH ? "wrong key" : "no such network"}` });
    if (was !== (result === 1)) this.emitJoin(device, result === 1);
    void d.deliver({ kind: EventKind.WIFI, arg: result });
  }

  private endGroup(device: string): void {
    const g = this.groups.get(device);
    if (!g) return;
    this.groups.delete(device);
    this.emit({ from: device, to: "(air)", link: "WFD", bytes: 0, text: `group ${g.ssid.toString()} ended${g.members.size ? `: ${[...g.members].join(", ")} disconnected` : ""}` });
  }

  /** One phone's radios. */
  phone(name: string): PhoneRadio {
    const device = (d: string) => {
      const x = this.devices.get(d);
      if (!x) throw new Error(`no appliance called ${d} here`);
      return x;
    };
    /** A link whose answer comes within the same event (NFC, BLE). */
    const sameEvent = async (d: string, link: number, frame: Uint8Array): Promise<Uint8Array> => {
      this.emit({ from: name, to: d, link: LINK_NAMES[link], bytes: frame.length, type: frame[0] });
      const r = await device(d).deliver({ kind: EventKind.LINK, arg: link, payload: frame });
      const answer = r.outputs.find((o) => o.t === "link" && o.link === link);
      if (!answer || answer.t !== "link") throw new Error(`${d} gave no ${LINK_NAMES[link]} answer`);
      this.emit({ from: d, to: name, link: LINK_NAMES[link], bytes: answer.data.length, type: answer.data[0] });
      return answer.data;
    };
    return {
      tap: (d) => sameEvent(d, LinkId.NFC, new Uint8Array(0)),
      ble: (d): FramePort => ({ request: (f) => sameEvent(d, LinkId.BLE, f) }),
      joinGroup: async (ssid, pass) => {
        for (const [d, g] of this.groups) {
          if (g.ssid.equals(Buffer.from(ssid)) && g.pass.equals(Buffer.from(pass))) {
            g.members.add(name);
            this.emit({ from: name, to: d, link: "WFD", bytes: 0, text: `joins group ${g.ssid.toString()}` });
            return;
          }
        }
        throw new Error(`${name} found no Wi-Fi Direct group ${Buffer.from(ssid).toString()} with that passphrase`);
      },
      wifiDirect: (d): FramePort => ({
        request: async (f, timeoutMs) => {
          if (!this.groups.get(d)?.members.has(name)) throw new Error(`${name} is not in ${d}'s Wi-Fi Direct group`);
          const inbox = this.inbox(name, d, LinkId.WIFI_DIRECT);
          inbox.clear();
          this.peer.set(`${d}/${LinkId.WIFI_DIRECT}`, name);
          this.emit({ from: name, to: d, link: "WFD", bytes: f.length, type: f[0] });
          await device(d).deliver({ kind: EventKind.LINK, arg: LinkId.WIFI_DIRECT, payload: f });
          return inbox.next(timeoutMs, `${d} on Wi-Fi Direct`);
        },
      }),
      lan: (d): FramePort => {
        const port = this.lanRouter.port(name);
        return {
          request: async (f, timeoutMs) => {
            port.clear();
            await port.send(d, f);
            return port.next(timeoutMs);
          },
        };
      },
      routerSsid: () => this.router.ssid,
    };
  }

  private inbox(phone: string, device: string, link: number): Inbox {
    const k = `${phone}/${device}/${link}`;
    let i = this.inboxes.get(k);
    if (!i) { i = new Inbox(); this.inboxes.set(k, i); }
    return i;
  }

  private emit(e: Parameters<RadioFlow>[0]): void { for (const l of this.listeners) l(e); }
  private emitJoin(device: string, joined: boolean): void { for (const l of this.joinListeners) l(device, joined); }
}
