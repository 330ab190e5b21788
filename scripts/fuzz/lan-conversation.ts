// The phone's side of LAN registration for the fuzzer, made only through the app's own
// LanSession (host-sim/phone/lan-messages.ts): when the LAN protocol changes there, the
// frames here change with it. Nothing in this file knows a frame layout.
import { LanMsg, LanSession } from "../../host-sim/phone/lan-messages.ts";
import { seededRandom } from "../../host-sim/phone/seeded-random.ts";
import type { Driver } from "./driver.ts";

export const Button = { MENU: 0, UP: 1, DOWN: 2, OK: 3, BACK: 4 } as const;

/** What the remote shows while the user compares the code (PROTOCOL.md §1, step 5). */
const CODE_SCREEN = /^Check the code\n(\d{6})\n/;

/** From the home screen of an unregistered remote to "Waiting for the app" (new
 *  registration): Menu, down to Connection, OK; New registration; Start connecting. */
export async function openWindow(d: Driver): Promise<void> {
  for (const b of [Button.MENU, Button.DOWN, Button.DOWN, Button.DOWN, Button.OK, Button.OK, Button.OK]) await d.press(b);
  if (!/^Waiting for the app/.test(d.screen)) throw new Error(`registration window did not open: ${JSON.stringify(d.screen)}`);
}

/** Back to the home screen from any registration screen, as a person would: BACK closes
 *  the window (on the code screen it first says "different", then leaves the error). */
export async function closeWindow(d: Driver): Promise<void> {
  for (let i = 0; i < 4 && !/^Water heater/.test(d.screen); i++) await d.press(Button.BACK);
  if (!/^Water heater/.test(d.screen)) throw new Error(`could not leave the registration screens: ${JSON.stringify(d.screen)}`);
}

/** The remote's refusal of a frame (ERROR), which the window counts while it is open. */
export const isRefusal = (frame: Uint8Array) => frame[0] === LanMsg.ERROR;

/** One phone talking to the remote in an open window. */
export class PhoneConversation {
  readonly session: LanSession;
  /** The remote's last NONCE to this phone: another phone can build a HELLO for the same
   *  nonce from it (a key that breaks this phone's commitment). */
  nonceFrame: Uint8Array | null = null;

  constructor(readonly name: string, readonly terminal = `fuzz-${name}`.slice(0, 32)) {
    this.session = new LanSession(seededRandom(name));
  }

  /** The frame a phone opens with before it has heard from the remote: its NONCE_REQUEST
   *  (a fresh session each time). A HELLO needs the remote's NONCE: see ask(). */
  static openingFrames(name: string): Uint8Array[] {
    return [new PhoneConversation(name).session.nonceRequest()];
  }

  /** NONCE_REQUEST, and the remote's NONCE taken: returns this phone's HELLO for the
   *  remote's current nonce (it goes stale when anyone asks for a nonce again). */
  async ask(d: Driver): Promise<Uint8Array> {
    const { result, replies } = await d.lan(this.session.nonceRequest());
    if (result !== 0 || replies.length !== 1) throw new Error(`NONCE_REQUEST refused: ${result}`);
    this.nonceFrame = replies[0];
    this.session.acceptNonce(replies[0]);
    return this.session.hello(this.terminal);
  }

  /** A HELLO of another phone (another key) for the nonce this phone was given: the
   *  remote must refuse it, since the key is not the one this phone committed to. */
  foreignHello(name: string): Uint8Array {
    if (!this.nonceFrame) throw new Error("no NONCE yet");
    const other = new LanSession(seededRandom(name));
    other.acceptNonce(this.nonceFrame);
    return other.hello(`fuzz-${name}`.slice(0, 32));
  }

  /** The remote's answer to a HELLO it accepted: opens the session (throws if it does not). */
  replied(reply: Uint8Array): void { this.session.openHelloReply(reply); }

  /** The whole opening (NONCE_REQUEST, NONCE, HELLO, HELLO_REPLY) through the driver:
   *  afterwards the remote shows this session's code and waits for the user's OK. */
  async open(d: Driver): Promise<void> {
    const hello = await this.ask(d);
    const { result, replies } = await d.lan(hello);
    if (result !== 0 || replies.length !== 1) throw new Error(`HELLO refused: ${result}`);
    this.replied(replies[0]);
    if (CODE_SCREEN.exec(d.screen)?.[1] !== this.session.code) throw new Error(`the remote does not show the app's code: ${JSON.stringify(d.screen)}`);
  }

  /** The user sees the same code on both screens and presses OK on the remote (which acts
   *  on a frame it held): the press's own result. */
  async confirm(d: Driver) {
    if (CODE_SCREEN.exec(d.screen)?.[1] !== this.session.code) throw new Error(`the remote does not show the app's code: ${JSON.stringify(d.screen)}`);
    return d.press(Button.OK);
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
    capture.abort();
    return bodies;
  }

  /** A complete new registration: the remote then stores the credentials and connects. */
  static async register(d: Driver, deviceId: string, password: string): Promise<void> {
    await openWindow(d);
    const phone = new PhoneConversation("fuzz-registrar");
    await phone.open(d);
    await phone.confirm(d);
    const { result, replies } = await d.lan(phone.credentials(deviceId, password));
    if (result !== 0 || phone.session.status(replies[0], LanMsg.STORED) !== 0) throw new Error(`credentials refused: ${result}`);
  }
}
