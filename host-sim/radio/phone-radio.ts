// A phone's radios, as an app uses them: touch a device (NFC), talk to devices in range
// (BLE, at home), join a device's Wi-Fi Direct group and talk to its owner. Every refusal
// of the physical world is a RadioRefused, thrown before anything reaches a device.
import type { Airspace } from "./airspace.ts";
import { LinkPort } from "./link-port.ts";
import type { RadioLink } from "./types.ts";

export class PhoneRadio {
  /** At home: in BLE and Wi-Fi Direct range of the home's devices. */
  atHome = false;
  /** The device whose group the phone is in, or null. */
  group: string | null = null;
  /** The device being touched during a tap or a tag write (set by the air). */
  touching: string | null = null;
  private readonly ports = new Map<string, LinkPort>();

  constructor(readonly name: string, private readonly air: Airspace) {}

  /** Moves the phone into or out of the home; leaving takes it out of any group. */
  setAtHome(atHome: boolean): void {
    this.atHome = atHome;
    if (!atHome) this.air.leaveGroup(this);
  }

  /** The phone's end of `link` to `device` (its answers and unasked frames queue there). */
  port(link: RadioLink, device: string): LinkPort {
    const key = `${link}:${device}`;
    let p = this.ports.get(key);
    if (!p) {
      p = new LinkPort(`${this.name} ${link} ${device}`, (f) => this.air.send(this, device, link, f));
      this.ports.set(key, p);
    }
    return p;
  }

  /** Touches the device and reads its tag: the NDEF message it answered, or null. */
  async tap(device: string): Promise<Uint8Array | null> {
    const p = this.port("NFC", device);
    p.clear();
    await p.send(new Uint8Array(0));
    return p.pending ? p.next(0) : null;
  }

  /** Touches the device and writes an NDEF message to its tag: the device's result. */
  writeTag(device: string, ndef: Uint8Array): Promise<number | null> {
    return this.port("NFC", device).send(ndef);
  }

  /** The BLE link to a device in range. */
  ble(device: string): LinkPort { return this.port("BLE", device); }

  /** Joins the Wi-Fi Direct group with these credentials (from a tap's P2P carrier);
   *  returns the owner's name. */
  joinGroup(ssid: string, pass: string): string { return this.air.joinGroup(this, ssid, pass); }
  leaveGroup(): void { this.air.leaveGroup(this); }

  /** The Wi-Fi Direct link to the owner of the group the phone is in. */
  wifiDirect(): LinkPort {
    if (!this.group) throw new Error(`${this.name} is in no Wi-Fi Direct group`);
    return this.port("WIFI_DIRECT", this.group);
  }
}
