// Delivery of the outbox and the transport's reconnects on the real board. The spec is the
// host's MQTT client: it reports the connection (testing.mqtt_state, then the module's
// onState as the MQTT_STATE event would) and reads what was published.
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { CloudLink, OutboxFormat, TopicSchema, LinkState, RETRY_DEADLINE, KEYS as CLOUD_LINK_KEYS } from "../index";
import { KEYS as ONBOARDING_KEYS } from "../../onboarding/index";
import { utf8 } from "../../../board/index";
import { OK, E_STATE } from "../../../core/errors";
import { slice } from "../../../core/codecs/bytes";

@external("testing", "mqtt_state") declare function mqtt_state(arg: i32): void;
@external("testing", "mqtt_published") declare function mqtt_published(): i32;
@external("testing", "mqtt_last") declare function mqtt_last(ptr: usize, cap: i32): i32;

/** Messages the cloud link sends beyond the cloud's acknowledgement (cloud-link.ts). */
const WINDOW: i32 = 8;

function lastPublished(): string {
  const b = new Uint8Array(512);
  const n = mqtt_last(b.dataStart, 512);
  expect(n > 0).toBe(true);
  return String.UTF8.decode(slice(b, 0, n).buffer);
}

class Device {
  store: CredentialStore;
  scheduler: Scheduler;
  link: CloudLink;
  constructor(registered: bool = true) {
    mqtt_state(0);                                  // the previous spec's connection is gone
    const store = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CLOUD_LINK_KEYS, ONBOARDING_KEYS]));
    expect(store.open()).toBe(OK);
    expect(store.factoryReset()).toBe(OK);
    if (registered) expect(store.setRegistration("dev-1", utf8("0123456789abcdef"))).toBe(OK);
    const scheduler = new Scheduler(0);
    this.store = store;
    this.scheduler = scheduler;
    this.link = new CloudLink(store, new TopicSchema("devices", "reply", "history"), scheduler, new OutboxFormat());
  }

  /** The broker accepted the login: the image's MQTT_STATE(1) handling. */
  up(): void {
    mqtt_state(1);
    expect(this.link.onState(1)).toBe(true);
    this.link.flush();
  }

  down(arg: i32): void {
    mqtt_state(0);
    expect(this.link.onState(arg)).toBe(false);
  }

  enqueue(n: i32): void {
    for (let i = 0; i < n; i++) expect(this.link.enqueue(1, new Uint8Array(1))).toBe(OK);
  }
}

describe("cloud link", () => {
  it("keeps messages while offline and sends them oldest first once connected", () => {
    const d = new Device();
    d.link.start();
    expect(d.link.state).toBe(LinkState.CONNECTING);
    const before = mqtt_published();
    d.enqueue(3);
    expect(mqtt_published()).toBe(before);
    d.up();
    expect(mqtt_published()).toBe(before + 3);
    expect(lastPublished()).toBe('{"seq":3}');
    expect(d.link.pending()).toBe(3);
    expect(d.scheduler.pending(RETRY_DEADLINE)).toBe(true);
  });

  it("sends at most a window beyond the acknowledgement; each acknowledgement lets more go and removes what it covers", () => {
    const d = new Device();
    d.link.start();
    d.up();
    const before = mqtt_published();
    d.enqueue(12);
    expect(mqtt_published()).toBe(before + WINDOW);
    expect(lastPublished()).toBe('{"seq":8}');
    expect(d.link.onCloudAck(4)).toBe(OK);
    expect(mqtt_published()).toBe(before + 12);
    expect(lastPublished()).toBe('{"seq":12}');
    expect(d.link.pending()).toBe(8);
    expect(d.link.onCloudAck(12)).toBe(OK);
    expect(d.link.pending()).toBe(0);
    expect(d.scheduler.pending(RETRY_DEADLINE)).toBe(false);
  });

  it("without an acknowledgement in time the oldest unacknowledged message goes again", () => {
    const d = new Device();
    d.link.start();
    d.up();
    d.enqueue(3);
    expect(d.link.onCloudAck(1)).toBe(OK);
    const before = mqtt_published();
    d.link.onDeadline(RETRY_DEADLINE, 0);
    expect(mqtt_published()).toBe(before + 1);
    expect(lastPublished()).toBe('{"seq":2}');
    expect(d.scheduler.pending(RETRY_DEADLINE)).toBe(true);
  });

  it("refuses an impossible acknowledgement and clamps one beyond the last message; numbering goes on", () => {
    const d = new Device();
    d.link.start();
    d.up();
    d.enqueue(2);
    expect(d.link.onCloudAck(-1)).toBe(E_STATE);
    expect(d.link.onCloudAck(0x100000000)).toBe(E_STATE);
    expect(d.link.pending()).toBe(2);
    expect(d.link.onCloudAck(99)).toBe(OK);
    expect(d.link.pending()).toBe(0);
    d.enqueue(1);
    expect(lastPublished()).toBe('{"seq":3}');
  });

  it("after a lost connection it backs off, reconnects and resends what was not acknowledged", () => {
    const d = new Device();
    d.link.start();
    d.up();
    d.enqueue(3);
    expect(d.link.onCloudAck(1)).toBe(OK);
    d.down(0);
    expect(d.link.state).toBe(LinkState.WAITING);
    expect(d.link.enqueue(1, new Uint8Array(1))).toBe(OK);          // kept for later
    d.link.onDeadline(RETRY_DEADLINE, 0);
    expect(d.link.state).toBe(LinkState.CONNECTING);
    const before = mqtt_published();
    d.up();
    expect(mqtt_published()).toBe(before + 3);
    expect(lastPublished()).toBe('{"seq":4}');
  });

  it("remembers why the broker refused the login and tries again after the backoff", () => {
    const d = new Device();
    d.link.start();
    d.down(-5);
    expect(d.link.lastRefusal).toBe(-5);
    expect(d.link.state).toBe(LinkState.WAITING);
    expect(d.scheduler.pending(RETRY_DEADLINE)).toBe(true);
    d.link.onDeadline(RETRY_DEADLINE, 0);
    expect(d.link.state).toBe(LinkState.CONNECTING);
    d.up();
    expect(d.link.lastRefusal).toBe(0);
  });

  it("takes commands only from its own down topic, and only while connected", () => {
    const d = new Device();
    d.link.start();
    const payload = utf8('{"cmd":1}');
    expect(d.link.commandPayload("devices/dev-1/down", payload) === null).toBe(true);
    d.up();
    expect(d.link.commandPayload("devices/dev-1/down", payload) !== null).toBe(true);
    expect(d.link.commandPayload("devices/dev-2/down", payload) === null).toBe(true);
    expect(d.link.commandPayload("devices/dev-1/up/state", payload) === null).toBe(true);
  });

  it("without a registration it stays offline and keeps nothing", () => {
    const d = new Device(false);
    d.link.start();
    expect(d.link.state).toBe(LinkState.OFFLINE);
    expect(d.link.enqueue(1, new Uint8Array(1))).toBe(E_STATE);
    expect(d.link.pending()).toBe(0);
  });
});
