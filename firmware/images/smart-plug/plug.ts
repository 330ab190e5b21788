// The smart plug: a relay switched by its button or by cloud commands, its state reported
// to the cloud, paired with the app over the home LAN. Every part but the relay and the
// screen text comes from the shared modules.
import * as board from "../../board/index";
import { Pin } from "../../board/index";
import { OK, E_INVAL, E_RANGE, E_UNSUPPORTED } from "../../core/errors";
import { FlatJson, JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore } from "../../modules/credential-store/index";
import { LinkState, OutboxFormat, TopicSchema, replyJson } from "../../modules/cloud-link/index";
import { Key, Step } from "../../modules/onboarding/index";
import { SessionConfig, Role } from "../../modules/secure-session/index";
import { Scheduler } from "../../modules/scheduler/index";
import { PairingAppliance, Identity } from "../../modules/appliance/index";

export namespace Button {
  export const TOGGLE: i32 = 0;
  export const UP: i32 = Key.UP;
  export const DOWN: i32 = Key.DOWN;
  export const OK: i32 = Key.OK;
  export const BACK: i32 = Key.BACK;
  export const PAIR: i32 = 5;
}

export const SCHEDULER_TIMER: i32 = 0;
const IDENTITY = new Identity("smart plug", "Smart plug", "smart-plug 1");
const REPLY: u8 = 1;
const TOPICS = new TopicSchema("devices", "reply", "history");
const SESSION = new SessionConfig("plug-lan-v1", board.Link.LAN, Role.RESPONDER);

/** The plug's outbox holds command replies only; its state is simply re-sent. */
class PlugOutboxFormat extends OutboxFormat {
  topicKind(kind: u8): string { return TOPICS.replyKind; }
  json(seq: u32, kind: u8, body: Uint8Array): string {
    const w = new JsonWriter().num("seq", seq);
    replyJson(w, body);
    return w.toString();
  }
}

export class Plug extends PairingAppliance {
  on: bool = false;

  constructor(store: CredentialStore, scheduler: Scheduler) {
    super(IDENTITY, store, scheduler, TOPICS, SESSION, new PlugOutboxFormat(), REPLY);
  }

  restore(): void { this.drive(); }

  onButton(b: i32): i32 {
    if (b < Button.TOGGLE || b > Button.PAIR) return E_UNSUPPORTED;
    if (this.onboarding.active) this.onboarding.onKey(b);
    else if (b == Button.PAIR) this.onboarding.openMenu();
    else if (b == Button.TOGGLE) this.switchTo(!this.on);
    this.render();
    return OK;
  }

  check(j: FlatJson): i32 {
    const name = j.string("set");
    if (name === null || name != "on") return E_INVAL;
    const v = j.int("value", -1);
    return v == 0 || v == 1 ? OK : E_RANGE;
  }

  apply(j: FlatJson): i32 {
    this.switchTo(j.int("value", 0) == 1);
    return OK;
  }

  private switchTo(on: bool): void {
    this.on = on;
    this.drive();
    this.publishState();
  }

  private drive(): void { board.gpioWrite(Pin.RELAY, this.on ? 1 : 0); }

  stateJson(): string { return new JsonWriter().num("on", this.on ? 1 : 0).toString(); }

  /** One line for the plug's small display; the pairing code while the user compares it. */
  render(): void {
    const o = this.onboarding;
    if (o.active) {
      const s = o.step;
      const t = board.compose();
      if (s == Step.CODE) t.add("Code ").add(o.code).add("?");
      else if (s == Step.MENU) t.add("Pair: ").num(o.cursor);
      else if (s == Step.WAITING) t.add("Pairing");
      else if (s == Step.DONE) t.add("Paired");
      else if (s == Step.ERROR) t.add("Pairing failed ").num(o.failure);
      else t.add("Pair step ").num(s);
      t.show();
      return;
    }
    const c = this.cloud.state;
    board.compose().add(this.on ? "On" : "Off")
      .add(c == LinkState.CONNECTED ? " online" : this.store.registered() ? " offline" : "").show();
  }
}
