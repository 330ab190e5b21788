// The onboarding steps a user walks through with the keys, and the window's deadline.
// Frames on the link: onboarding-link.spec.ts (and, on both hosts with a phone,
// test/water-heater-lan.test.ts and test/smart-plug-cross-host.test.ts).
import { RecordStore } from "../../../storage/record-store";
import { CredentialStore } from "../../credential-store/index";
import { Scheduler } from "../../scheduler/index";
import { CloudLink, OutboxFormat, TopicSchema } from "../../cloud-link/index";
import { SessionConfig } from "../../secure-session/index";
import { Onboarding, Step, Key, Choice, Failure, WINDOW_DEADLINE } from "../index";
import { Mode } from "../messages";
import { Link } from "../../../board/index";
import { OK } from "../../../core/errors";
import { Keyspace } from "../../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../cloud-link/index";
import { KEYS as ONBOARDING_KEYS } from "../index";

function fresh(): Onboarding {
  const store = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CLOUD_LINK_KEYS, ONBOARDING_KEYS]));
  expect(store.open()).toBe(OK);
  expect(store.factoryReset()).toBe(OK);
  const scheduler = new Scheduler(0);
  const cloud = new CloudLink(store, new TopicSchema("devices", "reply", "history"), scheduler, new OutboxFormat());
  return new Onboarding(store, cloud, scheduler, new SessionConfig("test-v1", Link.LAN));
}

describe("onboarding", () => {
  it("the menu wraps around and BACK leaves it", () => {
    const o = fresh();
    o.openMenu();
    expect(o.step).toBe(Step.MENU);
    o.onKey(Key.UP);
    expect(o.cursor).toBe(Choice.FACTORY_RESET);
    o.onKey(Key.DOWN);
    expect(o.cursor).toBe(Choice.NEW);
    o.onKey(Key.BACK);
    expect(o.active).toBe(false);
  });

  it("a new registration opens the window, which closes unanswered with a reason", () => {
    const o = fresh();
    o.openMenu();
    o.onKey(Key.OK);                               // New registration (nothing registered)
    expect(o.step).toBe(Step.START_CONFIRM);
    expect(o.mode).toBe(Mode.NEW);
    o.onKey(Key.OK);
    expect(o.step).toBe(Step.WAITING);
    o.onDeadline(WINDOW_DEADLINE, 0);
    expect(o.step).toBe(Step.ERROR);
    expect(o.failure).toBe(Failure.NO_APP);
    expect(o.code).toBe("");
    o.onKey(Key.OK);
    expect(o.active).toBe(false);
  });

  it("an additional registration needs an existing one; initializing an unregistered device just says done", () => {
    const o = fresh();
    o.openMenu();
    o.onKey(Key.DOWN);
    o.onKey(Key.OK);
    expect(o.step).toBe(Step.ERROR);
    expect(o.failure).toBe(Failure.NOTHING_TO_ADD_TO);
    o.onKey(Key.OK);
    o.openMenu();
    o.onKey(Key.DOWN); o.onKey(Key.DOWN);
    o.onKey(Key.OK);
    expect(o.step).toBe(Step.INIT_DONE);
    o.onKey(Key.OK);
    expect(o.active).toBe(false);
  });

  it("BACK while waiting cancels and the window's deadline no longer acts", () => {
    const o = fresh();
    o.openMenu();
    o.onKey(Key.OK); o.onKey(Key.OK);
    o.onKey(Key.BACK);
    expect(o.active).toBe(false);
    o.onDeadline(WINDOW_DEADLINE, 0);
    expect(o.active).toBe(false);
  });
});
