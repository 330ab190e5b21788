// What the printer's phone apps need from the phone (PROTOCOL.md §1, host-sim/radio/), as the home gives it to
// one phone: an NFC tap, BLE frames, joining a Wi-Fi Direct group, request/answer ports
// on Wi-Fi Direct and the home LAN, and the router's name. The home makes it from its
// radio model and LAN router (host-sim/home/app-radio.ts); unit tests over a fake printer.

/** Frames to one device on one link; every request the printer answers with one frame
 *  (possibly in a later event, as ROUTER_RESULT after the join). */
export interface FramePort {
  request(frame: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
}

export interface AppRadio {
  /** NFC: the phone touches `device` and reads its tag (one device at a time). */
  tap(device: string): Promise<Uint8Array>;
  /** BLE (phones at home are in range): one frame to `device`, its answer. */
  ble(device: string): FramePort;
  /** Wi-Fi Direct: joins the group with exactly these credentials; throws when there is
   *  no such group or the passphrase is wrong. */
  joinGroup(ssid: Uint8Array, passphrase: Uint8Array): Promise<void>;
  /** The device whose group this phone joined, on Link.WIFI_DIRECT. */
  wifiDirect(device: string): FramePort;
  /** The home LAN through the router. */
  lan(device: string): FramePort;
  /** The home router's credentials, as the phone knows them (its own Wi-Fi settings). */
  routerSsid(): string;
}
