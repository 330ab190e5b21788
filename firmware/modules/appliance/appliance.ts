// A connected appliance: what every appliance image does with the cloud and its
// connection menu, once. The cloud link says hello and state on every connection;
// acknowledgements empty the outbox; {"retired":1} lets an erase go on; commands are
// applied at most once through the replay floor. The image adds its own state, commands,
// buttons and screen.
// A PairingAppliance also pairs over the onboarding module's secure session; an image
// that registers by other means (the printer) takes ConnectedAppliance with the erase
// menu alone, and carries no pairing code.
import { OK, E_INVAL, E_STATE, E_UNSUPPORTED } from "../../core/errors";
import { FlatJson, JsonWriter, parseFlatJson } from "../../core/codecs/flat-json";
import { CredentialStore } from "../credential-store/index";
import { CloudLink, Commands, CommandHandler, LinkState, OutboxFormat, TopicSchema } from "../cloud-link/index";
import { EraseMenu, Onboarding } from "../onboarding/index";
import { SessionConfig } from "../secure-session/index";
import { Scheduler } from "../scheduler/index";
import { Link } from "../../board/index";
import { handleFactory } from "../service-port/index";

/** Who the appliance is, for its hello, its boot log line and its storage-failure screen. */
export class Identity {
  /** name: in log lines ("water heater"); title: on its screen ("Water heater");
   *  firmware: in its hello ("water-heater 1"). */
  constructor(public name: string, public title: string, public firmware: string) {}
}

export abstract class ConnectedAppliance extends CommandHandler {
  commands: Commands;

  /** cloud: the image's cloud link; menu: its connection menu, made with that link (an
   *  Onboarding when the image pairs over it). */
  constructor(public identity: Identity, public store: CredentialStore, public scheduler: Scheduler,
              public cloud: CloudLink, public menu: EraseMenu, replyKind: u8) {
    super();
    this.commands = new Commands(store, cloud, replyKind);
  }

  // ------------------------------------------------------------ the image's part

  /** The appliance's state as the cloud shows it, sent after hello and on every change. */
  abstract stateJson(): string;
  /** Shows the screen for the current state (after every event). */
  abstract render(): void;
  /** Restores the image's own state at boot, before the cloud link starts. */
  restore(): void {}
  onButton(b: i32): i32 { return E_UNSUPPORTED; }
  onGpio(pin: i32): i32 { return E_UNSUPPORTED; }
  /** WIFI (ABI v1.2): only an image that joins the router itself (wifi_join) gets it. */
  onWifi(arg: i32): i32 { return E_UNSUPPORTED; }
  /** UDP (ABI v1.3): a datagram to the port the image bound (udp_bind); `sender` is its
   *  IPv4 address, `payload` the sender's port u16 BE then the datagram. */
  onUdp(sender: i32, payload: Uint8Array): i32 { return E_UNSUPPORTED; }

  // ------------------------------------------------------------ shared

  boot(): void {
    this.restore();
    this.cloud.start();
    this.render();
  }

  onTimer(id: i32): i32 {
    if (this.scheduler.onTimer(id) != OK) return E_INVAL;
    this.render();
    return OK;
  }

  /** A frame on a short-range link: the service port answers the factory's PROVISION;
   *  other links are the image's (onLinkFrame). */
  onLink(link: i32, frame: Uint8Array): i32 {
    if (link == Link.SERVICE) return handleFactory(this.store, frame);
    return this.onLinkFrame(link, frame);
  }

  /** A frame on any link but the service port: none is this appliance's unless the image
   *  (or PairingAppliance, for its pairing session) takes it. */
  onLinkFrame(link: i32, frame: Uint8Array): i32 { return E_UNSUPPORTED; }

  onMqttState(arg: i32): i32 {
    // The board reports on a connection only after the firmware asked for one.
    if (this.cloud.state == LinkState.OFFLINE) return E_STATE;
    if (this.cloud.onState(arg)) this.sayHello();
    this.render();
    return OK;
  }

  onMqttAck(pid: i32, granted: i32): i32 {
    if (!this.cloud.connected) return E_STATE;
    this.cloud.onAck(pid, granted);
    return OK;
  }

  /** From the cloud: {"ack":n} acknowledges the outbox; {"retired":1} lets an erase go
   *  on; anything else is a command, applied at most once (cloud-link/commands.ts). */
  onMqttMessage(topic: string, payload: Uint8Array): i32 {
    const body = this.cloud.commandPayload(topic, payload);
    if (body === null) return E_STATE;
    const j = parseFlatJson(body);
    if (j !== null && j.get("cmd") === null) {
      if (j.int("retired", 0) == 1) { this.menu.onRetired(); this.render(); return OK; }
      if (j.get("ack") !== null) return this.cloud.onCloudAck(j.int("ack", -1));
    }
    if (Commands.number(j) < 0) return this.commands.refuse(j);
    const status = this.commands.run(j!, this);
    this.render();
    return status;
  }

  /** Reports the state; a change the cloud must not miss goes through the outbox instead. */
  publishState(): void { this.cloud.publish("state", this.stateJson()); }

  private sayHello(): void {
    const serial = this.store.serial();
    this.cloud.publish("hello", new JsonWriter().str("serial", serial === null ? "" : serial).str("fw", this.identity.firmware).toString());
    this.publishState();
    this.cloud.flush();
  }
}

/** An appliance that pairs with the maker's app over a local secure session (the
 *  onboarding module: new and additional registration, besides the erase menu). */
export abstract class PairingAppliance extends ConnectedAppliance {
  constructor(identity: Identity, store: CredentialStore, scheduler: Scheduler,
              topics: TopicSchema, session: SessionConfig, format: OutboxFormat, replyKind: u8) {
    const cloud = new CloudLink(store, topics, scheduler, format);
    super(identity, store, scheduler, cloud, new Onboarding(store, cloud, scheduler, session), replyKind);
  }

  /** The menu made above: an Onboarding (unchecked, so that no field holds it twice). */
  get onboarding(): Onboarding { return changetype<Onboarding>(this.menu); }

  /** The pairing session's link goes to onboarding. */
  onLinkFrame(link: i32, frame: Uint8Array): i32 {
    if (link != this.onboarding.link) return E_UNSUPPORTED;
    const rc = this.onboarding.onFrame(frame);
    this.render();
    return rc;
  }
}
