// The phone's side of LAN registration for the fuzzer, made only through the app's own
// LanSession (host-sim/phone/lan-messages.ts): when the LAN protocol changes there, the
// frames here change with it. Nothing in this file knows a frame layout.
import { LanMsg, LanSession } from "../../host-sim/phone/lan-messages.ts";
import { seededRandom } from "../../host-sim/phone/seeded-random.ts";
import type { Driver } from "./driver.ts";

export const Button = { MENU: 0, UP: 1, DOWN: 2, OK: 3, BACK: 4 } as const;

/** From the home screen of an unregistered remote to "Waiting for the app" (new
 *  registration): Menu, down to Connection, OK; New registration; Start connecting. */
export async function openWindow(d: Driver): Promise<void> {
  for (const b of [Button.MENU, Button.DOWN, Button.DOWN, Button.DOWN, Button.OK, Button.OK, Button.OK]) await d.press(b);
  if (!/^Waiting for the app/.test(d.screen)) throw new Error(`registration window did not open: ${JSON.stringify(d.screen)}`);
}

/** BACK leaves the registration screens from anywhere. */
export async function closeWindow(d: Driver): Promise<void> { await d.press(Button.BACK); }

/** One phone talking to the remote in an open window. */
export class PhoneConversation {
  readonly session: LanSession;

  constructor(name: string) { this.session = new LanSession(seededRandom(name)); }

  /** The frames that open the conversation (a fresh session makes them each time: they
   *  are the valid inputs of the window's first phase). */
  static openingFrames(name: string): Uint8Array[] {
    return [new LanSession(seededRandom(name)).hello(`fuzz-${name}`.slice(0, 32))];
  }

  /** Runs the opening (HELLO and its reply) through the driver: afterwards the remote
   *  waits for sealed frames of this session. */
  async open(d: Driver, terminal = "fuzz-phone"): Promise<void> {
    const { result, replies } = await d.lan(this.session.hello(terminal));
    if (result !== 0 || replies.length !== 1) throw new Error(`HELLO refused: ${result}`);
    this.session.openHelloReply(replies[0]);
  }

  /** Sealed frames the remote accepts in a new registration, and their message types. */
  credentials(deviceId: string, password: string): Uint8Array { return this.session.credentials(deviceId, password); }
  added(): Uint8Array { return this.session.added(); }
  /** Any plaintext, sealed as the session seals: reaches the parsers behind decryption. */
  seal(type: number, body: Uint8Array): Uint8Array { return this.session.seal(type, Buffer.from(body)); }

  /** The plaintexts LanSession would seal for the sealed messages (captured from the
   *  class itself, not rebuilt here), for mutation before sealing. */
  static sealedBodies(deviceId: string, password: string): { type: number; body: Uint8Array }[] {
    const bodies: { type: number; body: Uint8Array }[] = [];
    const capture = new LanSession(seededRandom("capture"));
    capture.seal = (type: number, body: Buffer) => { bodies.push({ type, body: Uint8Array.from(body) }); return Buffer.alloc(0); };
    capture.credentials(deviceId, password);
    capture.added();
    return bodies;
  }

  /** A complete new registration: the remote then stores the credentials and connects. */
  static async register(d: Driver, deviceId: string, password: string): Promise<void> {
    await openWindow(d);
    const phone = new PhoneConversation("fuzz-registrar");
    await phone.open(d);
    const { result, replies } = await d.lan(phone.credentials(deviceId, password));
    if (result !== 0 || phone.session.status(replies[0], LanMsg.STORED) !== 0) throw new Error(`credentials refused: ${result}`);
  }
}
