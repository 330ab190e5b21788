// A phone's radios and LAN as the printer's apps use them (host-sim/phone/printer/radio.ts),
// made from the home's radio model (host-sim/radio/) and its LAN router.
import type { PhoneRadio } from "../radio/index.ts";
import type { HomeRouter } from "./router.ts";
import type { AppRadio, FramePort } from "../phone/printer/radio.ts";

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

export function appRadio(radio: PhoneRadio, lan: HomeRouter, routerSsid: string): AppRadio {
  return {
    tap: async (device) => {
      const ndef = await radio.tap(device);
      if (!ndef) throw new Error(`${device} answered nothing to ${radio.name}'s touch`);
      return ndef;
    },
    ble: (device) => radio.ble(device),
    joinGroup: async (ssid, pass) => { radio.joinGroup(text(ssid), text(pass)); },
    wifiDirect: (device): FramePort => ({
      request: (frame, timeoutMs) => {
        if (radio.group !== device) throw new Error(`${radio.name} is not in ${device}'s Wi-Fi Direct group`);
        return radio.wifiDirect().request(frame, timeoutMs);
      },
    }),
    lan: (device): FramePort => {
      const port = lan.port(radio.name);
      return {
        request: async (frame, timeoutMs) => {
          port.clear();
          await port.send(device, frame);
          return port.next(timeoutMs);
        },
      };
    },
    routerSsid: () => routerSsid,
  };
}
