// The home router: the only way a phone reaches an appliance's LAN port. During
// registration it passes frames only between hosts on the home network (seed 000,
// router 3); a phone outside the home is refused before the appliance sees anything.
import { LinkId } from "../device/types.ts";
import type { HomeDevice } from "./home-device.ts";

export class RouterRefused extends Error {
  constructor(phone: string) { super(`${phone} is not on the home network: the router refuses LAN traffic from outside`); }
}

/** The appliance is not on the home network (its Wi-Fi has not joined the router). */
export class DeviceUnreachable extends Error {
  constructor(device: string) { super(`${device} is not on the home network (its Wi-Fi has not joined the router)`); }
}

export type FlowListener = (e: { from: string; to: string; bytes: number; type: number; refused?: boolean }) => void;

/** A phone's LAN socket: frames from the appliance queue here until the app reads them. */
export class LanPort {
  private readonly queue: Uint8Array[] = [];
  private waiter: ((f: Uint8Array) => void) | null = null;

  constructor(readonly phone: string, private readonly router: HomeRouter) {}

  send(device: string, frame: Uint8Array): Promise<void> { return this.router.fromPhone(this.phone, device, frame); }

  /** The next frame from an appliance; rejects after timeoutMs. */
  next(timeoutMs: number): Promise<Uint8Array> {
    const f = this.queue.shift();
    if (f) return Promise.resolve(f);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.waiter = null; reject(new Error(`no answer from the appliance within ${timeoutMs} ms`)); }, timeoutMs);
      this.waiter = (x) => { clearTimeout(t); this.waiter = null; resolve(x); };
    });
  }

  deliver(f: Uint8Array): void { if (this.waiter) this.waiter(f); else this.queue.push(f); }
  clear(): void { this.queue.length = 0; }
}

export class HomeRouter {
  private readonly devices = new Map<string, HomeDevice>();
  private readonly ports = new Map<string, LanPort>();
  private readonly home = new Set<string>();
  /** Which phone each appliance is talking to: its answers go there. */
  private readonly peer = new Map<string, string>();
  private readonly listeners: FlowListener[] = [];
  /** Whether an appliance is on the network (host-sim/radio Airspace.isOnLan); default all. */
  private onLan: (device: string) => boolean = () => true;

  setReachable(onLan: (device: string) => boolean): void { this.onLan = onLan; }

  onFlow(l: FlowListener): void { this.listeners.push(l); }

  attach(device: HomeDevice): void {
    const name = device.o.name;
    this.devices.set(name, device);
    device.onOutput((o) => {
      if (o.t !== "link" || o.link !== LinkId.LAN) return;
      const to = this.peer.get(name);
      const port = to ? this.ports.get(to) : undefined;
      // An answer for a phone that has since left the home is dropped, as a router would.
      const ok = !!port && this.home.has(to!) && this.onLan(name);
      this.emit({ from: name, to: to ?? "(nobody)", bytes: o.data.length, type: o.data[0], refused: !ok });
      if (ok) port!.deliver(o.data);
    });
  }

  port(phone: string): LanPort {
    let p = this.ports.get(phone);
    if (!p) { p = new LanPort(phone, this); this.ports.set(phone, p); }
    return p;
  }

  /** Moves a phone on or off the home network. */
  setAtHome(phone: string, atHome: boolean): void { if (atHome) this.home.add(phone); else this.home.delete(phone); }
  isAtHome(phone: string): boolean { return this.home.has(phone); }

  async fromPhone(phone: string, device: string, frame: Uint8Array): Promise<void> {
    const d = this.devices.get(device);
    if (!d) throw new Error(`no appliance called ${device} on this network`);
    if (!this.home.has(phone)) {
      this.emit({ from: phone, to: device, bytes: frame.length, type: frame[0], refused: true });
      throw new RouterRefused(phone);
    }
    if (!this.onLan(device)) {
      this.emit({ from: phone, to: device, bytes: frame.length, type: frame[0], refused: true });
      throw new DeviceUnreachable(device);
    }
    this.peer.set(device, phone);
    this.emit({ from: phone, to: device, bytes: frame.length, type: frame[0] });
    await d.lan(frame);
  }

  private emit(e: Parameters<FlowListener>[0]): void { for (const l of this.listeners) l(e); }
}
