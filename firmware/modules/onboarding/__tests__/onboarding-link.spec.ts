// Onboarding over the link on the real board: the spec plays the phone with an initiator
// SecureSession and reads what the device sent through the test-only `link_last`.
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { CloudLink, OutboxFormat, TopicSchema, KEYS as CLOUD_LINK_KEYS } from "../../cloud-link/index";
import { SecureSession, SessionConfig, Role, NONCE_LEN, PUBLIC_LEN } from "../../secure-session/index";
import { Onboarding, Step, Key, Choice, Failure, MAX_BAD_FRAMES } from "../index";
import { KEYS as ONBOARDING_KEYS } from "../index";
import { Mode, Msg } from "../messages";
import { Link, MAX_LINK_FRAME, utf8 } from "../../../board/index";
import { OK, E_AUTH, E_LOCKED, E_STATE } from "../../../core/errors";
import { concat, slice } from "../../../core/codecs/bytes";
import { FieldReader, withString } from "../../../core/codecs/fields";

@external("testing", "link_last") declare function link_last(link: i32, ptr: usize, cap: i32): i32;

const LABEL = "test-v1";

/** The last frame the device sent on the LAN. */
function lastSent(): Uint8Array {
  const b = new Uint8Array(MAX_LINK_FRAME);
  const n = link_last(Link.LAN, b.dataStart, MAX_LINK_FRAME);
  expect(n > 0).toBe(true);
  return slice(b, 0, n);
}

function one(v: u8): Uint8Array { const b = new Uint8Array(1); b[0] = v; return b; }

class Device {
  store: CredentialStore;
  onboarding: Onboarding;
  constructor() {
    const store = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CLOUD_LINK_KEYS, ONBOARDING_KEYS]));
    expect(store.open()).toBe(OK);
    expect(store.factoryReset()).toBe(OK);
    const scheduler = new Scheduler(0);
    const cloud = new CloudLink(store, new TopicSchema("devices", "reply", "history"), scheduler, new OutboxFormat());
    this.store = store;
    this.onboarding = new Onboarding(store, cloud, scheduler, new SessionConfig(LABEL, Link.LAN));
  }

  /** The user picks `choice` in the menu and agrees to connect: the window opens. */
  openWindow(choice: i32): void {
    const o = this.onboarding;
    o.openMenu();
    for (let i = 0; i < choice; i++) o.onKey(Key.DOWN);
    o.onKey(Key.OK);
    expect(o.step).toBe(Step.START_CONFIRM);
    o.onKey(Key.OK);
    expect(o.step).toBe(Step.WAITING);
  }

  /** The device's answer to the last frame was ERROR with this code. */
  refused(code: i32): bool {
    const f = lastSent();
    return f.length == 2 && f[0] == Msg.ERROR && f[1] == <u8>code;
  }
}

/** The phone's side: the key agreement, then the HELLO_REPLY's fields. */
class Phone {
  session: SecureSession = new SecureSession(new SessionConfig(LABEL, Link.LAN, Role.INITIATOR));
  nonce: Uint8Array = new Uint8Array(0);
  mode: u8 = 0;
  existing: string = "?";

  nonceRequest(): Uint8Array { return concat(one(Msg.NONCE_REQUEST), this.session.begin()); }

  /** Takes the device's NONCE and builds the HELLO. */
  hello(nonceFrame: Uint8Array, terminal: string): Uint8Array {
    expect(nonceFrame[0]).toBe(Msg.NONCE);
    expect(nonceFrame.length).toBe(1 + NONCE_LEN + PUBLIC_LEN);
    this.nonce = slice(nonceFrame, 1, NONCE_LEN);
    expect(this.session.complete(slice(nonceFrame, 1 + NONCE_LEN, PUBLIC_LEN), this.nonce)).toBe(OK);
    return withString(concat(concat(one(Msg.HELLO), this.session.ownPublic), this.nonce), terminal);
  }

  reply(frame: Uint8Array): void {
    expect(frame[0]).toBe(Msg.HELLO_REPLY);
    const body = this.session.openFrame(frame);
    expect(body !== null).toBe(true);
    const r = new FieldReader(body!, 0);
    this.mode = r.bytes(1)[0];
    this.existing = r.str(64);
    r.str(64);
    expect(r.done).toBe(true);
  }

  credentials(id: string, password: string): Uint8Array {
    return this.session.seal(Msg.CREDENTIALS, withString(withString(new Uint8Array(0), id), password))!;
  }
}

/** Device and phone up to the code on both screens. */
function agreed(d: Device, p: Phone, choice: i32): void {
  d.openWindow(choice);
  expect(d.onboarding.onFrame(p.nonceRequest())).toBe(OK);
  expect(d.onboarding.onFrame(p.hello(lastSent(), "phone-1"))).toBe(OK);
  expect(d.onboarding.step).toBe(Step.CODE);
  p.reply(lastSent());
}

describe("onboarding over the link", () => {
  it("a new registration: same code on both sides, credentials stored only after the user's OK", () => {
    const d = new Device(), p = new Phone();
    agreed(d, p, Choice.NEW);
    expect(d.onboarding.code.length).toBe(6);
    expect(d.onboarding.code).toBe(p.session.code);
    expect(p.mode).toBe(Mode.NEW);
    expect(p.existing).toBe("");
    d.onboarding.onKey(Key.OK);
    expect(d.onboarding.step).toBe(Step.CONNECTING);
    const creds = p.credentials("dev-123", "0123456789abcdef");
    expect(d.onboarding.onFrame(creds)).toBe(OK);
    const stored = p.session.openFrame(lastSent());
    expect(stored !== null && stored.length == 1 && stored[0] == 0).toBe(true);
    expect(d.onboarding.step).toBe(Step.DONE);
    expect(d.store.registrationDeviceId()).toBe("dev-123");
    // The session is gone: the same frame again is refused.
    expect(d.onboarding.onFrame(creds)).toBe(E_STATE);
  });

  it("credentials sent before the device's OK wait for it; a replay of them meanwhile is refused", () => {
    const d = new Device(), p = new Phone();
    agreed(d, p, Choice.NEW);
    const creds = p.credentials("dev-7", "0123456789abcdef");
    expect(d.onboarding.onFrame(creds)).toBe(OK);
    expect(d.store.registered()).toBe(false);
    expect(d.onboarding.onFrame(creds)).toBe(E_AUTH);
    expect(d.refused(E_AUTH)).toBe(true);
    d.onboarding.onKey(Key.OK);
    expect(d.onboarding.step).toBe(Step.DONE);
    expect(d.store.registrationDeviceId()).toBe("dev-7");
  });

  it("when the user says the codes differ, held credentials are dropped and nothing is stored", () => {
    const d = new Device(), p = new Phone();
    agreed(d, p, Choice.NEW);
    expect(d.onboarding.onFrame(p.credentials("dev-9", "0123456789abcdef"))).toBe(OK);
    d.onboarding.onKey(Key.BACK);
    expect(d.onboarding.step).toBe(Step.ERROR);
    expect(d.onboarding.failure).toBe(Failure.CODES_DIFFERENT);
    expect(d.onboarding.code).toBe("");
    expect(d.store.registered()).toBe(false);
  });

  it("a HELLO whose key is not the committed one is refused; the phone's real HELLO still completes", () => {
    const d = new Device(), p = new Phone();
    d.openWindow(Choice.NEW);
    expect(d.onboarding.onFrame(p.nonceRequest())).toBe(OK);
    const hello = p.hello(lastSent(), "phone-1");
    const forged = slice(hello, 0, hello.length);
    forged[10] ^= 0x01;                               // inside the public key
    expect(d.onboarding.onFrame(forged)).toBe(E_AUTH);
    expect(d.refused(E_AUTH)).toBe(true);
    expect(d.onboarding.step).toBe(Step.WAITING);
    expect(d.onboarding.onFrame(hello)).toBe(OK);
    p.reply(lastSent());
    expect(d.onboarding.code).toBe(p.session.code);
  });

  it("a bit-flipped credentials frame is refused and stores nothing; the real one then stores", () => {
    const d = new Device(), p = new Phone();
    agreed(d, p, Choice.NEW);
    d.onboarding.onKey(Key.OK);
    const creds = p.credentials("dev-5", "0123456789abcdef");
    const bad = slice(creds, 0, creds.length);
    bad[8] ^= 0x80;
    expect(d.onboarding.onFrame(bad)).toBe(E_AUTH);
    expect(d.store.registered()).toBe(false);
    expect(d.onboarding.step).toBe(Step.CONNECTING);
    expect(d.onboarding.onFrame(creds)).toBe(OK);
    expect(d.store.registrationDeviceId()).toBe("dev-5");
  });

  it("the window closes at the fifth refused frame with E_LOCKED", () => {
    const d = new Device(), p = new Phone();
    agreed(d, p, Choice.NEW);
    const junk = p.credentials("dev-1", "0123456789abcdef");
    junk[junk.length - 1] ^= 1;
    for (let i = 1; i < MAX_BAD_FRAMES; i++) expect(d.onboarding.onFrame(junk)).toBe(E_AUTH);
    expect(d.onboarding.step).toBe(Step.CODE);
    expect(d.onboarding.onFrame(junk)).toBe(E_LOCKED);
    expect(d.refused(E_LOCKED)).toBe(true);
    expect(d.onboarding.step).toBe(Step.ERROR);
    expect(d.onboarding.failure).toBe(Failure.TOO_MANY_REFUSED);
  });

  it("the app's ABORT (its user saw another code) ends the registration", () => {
    const d = new Device(), p = new Phone();
    agreed(d, p, Choice.NEW);
    expect(d.onboarding.onFrame(p.session.seal(Msg.ABORT, new Uint8Array(0))!)).toBe(OK);
    expect(d.onboarding.step).toBe(Step.ERROR);
    expect(d.onboarding.failure).toBe(Failure.APP_CODE_DIFFERENT);
  });

  it("an additional registration tells the phone the existing device ID and takes ADDED, not credentials", () => {
    const d = new Device(), p = new Phone();
    expect(d.store.setRegistration("dev-42", utf8("0123456789abcdef"))).toBe(OK);
    agreed(d, p, Choice.ADDITIONAL);
    expect(p.mode).toBe(Mode.ADDITIONAL);
    expect(p.existing).toBe("dev-42");
    d.onboarding.onKey(Key.OK);
    expect(d.onboarding.onFrame(p.credentials("dev-666", "0123456789abcdef"))).toBe(E_STATE);
    expect(d.store.registrationDeviceId()).toBe("dev-42");
    expect(d.onboarding.onFrame(p.session.seal(Msg.ADDED, new Uint8Array(0))!)).toBe(OK);
    const ack = p.session.openFrame(lastSent());
    expect(ack !== null && ack.length == 1 && ack[0] == 0).toBe(true);
    expect(d.onboarding.step).toBe(Step.DONE);
  });
});
