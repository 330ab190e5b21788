// The smart plug's host side: its buttons, pairing over the home LAN as the app does it,
// and one scripted scenario (pairing, button, cloud commands with a replay, an outage, a
// power cut) that test/smart-plug-cross-host.test.ts runs on both hosts.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HomeDevice } from "../../home/home-device.ts";
import { HomeRouter, type LanPort } from "../../home/router.ts";
import { LanSession } from "../../phone/lan-messages.ts";
import { seededRandom } from "../../phone/seeded-random.ts";
import { provision } from "../../clients/service-port.ts";
import { EventKind, Pin, type BoardOutput } from "../../device/types.ts";
import { jsonOutput } from "../../scenario/format.ts";
import type { HostName } from "../../device/power-on.ts";

/** firmware/images/smart-plug/plug.ts Button. */
export const Button = { TOGGLE: 0, UP: 1, DOWN: 2, OK: 3, BACK: 4, PAIR: 5 } as const;
/** firmware/images/smart-plug/plug.ts SESSION. */
export const SESSION_LABEL = "plug-lan-v1";

const enc = new TextEncoder();
export function downMessage(deviceId: string, body: string) {
  const t = enc.encode(`devices/${deviceId}/down`), b = enc.encode(body);
  const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p };
}

/** New registration from the plug's pairing menu: the app's side over the LAN, the user
 *  comparing the code on the plug. Returns the code both showed. */
export async function pair(plug: HomeDevice, lan: LanPort, phone: LanSession, deviceId: string, password: string): Promise<string> {
  await plug.press(Button.PAIR);
  await plug.press(Button.OK);                 // "New registration"
  await plug.press(Button.OK);                 // start connecting
  await lan.send(plug.o.name, phone.nonceRequest());
  phone.acceptNonce(await lan.next(2000));
  await lan.send(plug.o.name, phone.hello("phone-1"));
  phone.openHelloReply(await lan.next(2000));
  if (!plug.screen.includes(phone.code)) throw new Error(`plug shows ${plug.screen}, app ${phone.code}`);
  await plug.press(Button.OK);                 // same code
  await lan.send(plug.o.name, phone.credentials(deviceId, password));
  const stored = phone.status(await lan.next(2000), 0x82);
  if (stored !== 0) throw new Error(`credentials not stored: ${stored}`);
  await plug.press(Button.OK);                 // "Paired": back to the plug's state
  return phone.code;
}

export interface PlugRun { trace: Record<string, unknown>[]; flash: Buffer; relay: number[]; published: string[] }

/** The scripted scenario on one host, from blank flash. */
export async function smartPlugScript(host: HostName): Promise<PlugRun> {
  const dir = mkdtempSync(join(tmpdir(), `plug-${host}-`));
  const plug = new HomeDevice({ name: "plug", host, image: "smart-plug", flashFile: join(dir, "flash.bin"), clock: "virtual", seed: 7, wallStartMs: Date.UTC(2026, 10, 22, 6, 0, 0) });
  const trace: Record<string, unknown>[] = [];
  const relay: number[] = [];
  const published: string[] = [];
  plug.onOutput((o: BoardOutput, r) => {
    trace.push({ at: r.simMs(), ...jsonOutput(o) });
    if (o.t === "gpio" && o.pin === Pin.RELAY) relay.push(o.level);
    if (o.t === "mqtt_publish") published.push(`${o.topic} ${Buffer.from(o.payload).toString()}`);
  });
  const router = new HomeRouter();
  router.attach(plug);
  router.setAtHome("phone", true);
  await plug.start();
  await plug.service(provision("SP-0007"));

  const deviceId = "5d7e9f10-2a3b-4c5d-8e9f-a0b1c2d3e4f5";
  await pair(plug, router.port("phone"), new LanSession(seededRandom("plug-phone"), SESSION_LABEL), deviceId, "plug-password-000000001");

  await plug.deliver({ kind: EventKind.MQTT_STATE, arg: 1 });                   // hello, state
  await plug.press(Button.TOGGLE);                                              // on by hand
  await plug.deliver(downMessage(deviceId, '{"cmd":1,"set":"on","value":0}'));  // off from the app
  await plug.deliver(downMessage(deviceId, '{"cmd":2,"set":"on","value":1}'));  // on again
  await plug.deliver(downMessage(deviceId, '{"cmd":1,"set":"on","value":0}'));  // a replay: refused
  await plug.deliver(downMessage(deviceId, '{"cmd":3,"set":"on","value":7}'));  // out of range
  await plug.deliver(downMessage(deviceId, '{"ack":2}'));
  await plug.deliver({ kind: EventKind.MQTT_STATE, arg: 0 });                   // broker lost
  await plug.advance(5_000);                                                    // reconnect attempt
  await plug.powerCycle();
  await plug.deliver({ kind: EventKind.MQTT_STATE, arg: 1 });                   // unacknowledged replies resent
  await plug.stop();
  return { trace, flash: readFileSync(join(dir, "flash.bin")), relay, published };
}
