import { RecordStore } from "../../../storage/record-store";
import { CredentialStore, CredentialTransaction, ValueType } from "../../credential-store/index";
import { RecordTransaction } from "../../../storage/record-store";
import { Scheduler } from "../../scheduler/index";
import { CloudLink, OutboxFormat } from "../cloud-link";
import { TopicSchema } from "../topics";
import { Commands, CommandHandler } from "../commands";
import { FlatJson, parseFlatJson } from "../../../core/codecs/flat-json";
import { OK, E_IO, E_RANGE, E_STATE } from "../../../core/errors";
import { utf8 } from "../../../board/index";
import { Keyspace, KeyRange, ResetClass } from "../../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { KEYS as CLOUD_LINK_KEYS } from "../index";

/** Applies {"value":v}; refuses values over 9; remembers the floor it saw while acting. */
class Counter extends CommandHandler {
  applied: i32 = 0;
  floorSeen: u32 = 0;
  private commands: Commands | null = null;
  use(c: Commands): void { this.commands = c; }
  check(j: FlatJson): i32 { return j.int("value", -1) <= 9 ? OK : E_RANGE; }
  apply(j: FlatJson): i32 { this.applied++; this.floorSeen = this.commands!.lastApplied(); return OK; }
}

/** Keeps {"value":v} in a user record, staged in the command's transaction. */
const VALUE_RECORD: u32 = 0x0301;
class Setter extends CommandHandler {
  check(j: FlatJson): i32 { return OK; }
  stage(j: FlatJson, t: CredentialTransaction): i32 { return t.putU32(VALUE_RECORD, <u32>j.int("value", 0), 0); }
  apply(j: FlatJson): i32 { return OK; }
}

/** A record store whose transactions all fail to commit, as on a worn-out flash. */
class FailingCommits extends RecordStore {
  failCommits: bool = false;
  begin(): RecordTransaction { const t = super.begin(); if (this.failCommits) t.fail(E_IO); return t; }
}

let lastStore: CredentialStore | null = null;
let lastRecords: FailingCommits | null = null;
function fresh(): Commands {
  const records = new FailingCommits();
  const store = new CredentialStore(records, new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CLOUD_LINK_KEYS,
    [new KeyRange("test: value", 0x0300, 0x03ff, ResetClass.FACTORY_RESET)]]));
  lastStore = store; lastRecords = records;
  expect(store.open()).toBe(OK);
  expect(store.factoryReset()).toBe(OK);
  const link = new CloudLink(store, new TopicSchema("devices", "reply", "history"), new Scheduler(0), new OutboxFormat());
  return new Commands(store, link, 1);
}
function cmd(s: string): FlatJson { return parseFlatJson(utf8(s))!; }

describe("cloud-link commands", () => {
  it("stores the replay floor before the command acts, and applies it once", () => {
    const c = fresh();
    const h = new Counter(); h.use(c);
    expect(c.run(cmd('{"cmd":5,"value":1}'), h)).toBe(OK);
    expect(h.applied).toBe(1);
    expect(h.floorSeen).toBe(5);
    expect(c.run(cmd('{"cmd":5,"value":1}'), h)).toBe(OK);       // the last one: answered again
    expect(h.applied).toBe(1);
    expect(c.run(cmd('{"cmd":4,"value":1}'), h)).toBe(E_STATE);  // older: refused
    expect(h.applied).toBe(1);
    expect(c.run(cmd('{"cmd":6,"value":2}'), h)).toBe(OK);
    expect(h.applied).toBe(2);
    expect(c.lastApplied()).toBe(6);
  });

  it("a command the image refuses moves nothing", () => {
    const c = fresh();
    const h = new Counter(); h.use(c);
    expect(c.run(cmd('{"cmd":3,"value":10}'), h)).toBe(E_RANGE);
    expect(h.applied).toBe(0);
    expect(c.lastApplied()).toBe(0);
    expect(c.run(cmd('{"cmd":3,"value":1}'), h)).toBe(OK);       // the same number, now valid
    expect(h.applied).toBe(1);
  });

  it("commits the replay floor and the command's records together, or neither", () => {
    const c = fresh();
    const h = new Setter();
    expect(c.run(cmd('{"cmd":2,"value":7}'), h)).toBe(OK);
    expect(lastStore!.getU32(VALUE_RECORD)).toBe(7);
    expect(c.lastApplied()).toBe(2);
    lastRecords!.failCommits = true;
    expect(c.run(cmd('{"cmd":3,"value":8}'), h)).toBe(E_IO);
    expect(lastStore!.getU32(VALUE_RECORD)).toBe(7);               // neither the value
    expect(c.lastApplied()).toBe(2);                                // nor the floor moved
  });

  it("tells commands from other messages", () => {
    expect(Commands.number(null)).toBe(-1);
    expect(Commands.number(cmd('{"ack":3}'))).toBe(-1);
    expect(Commands.number(cmd('{"cmd":0}'))).toBe(-1);
    expect(Commands.number(cmd('{"cmd":4294967296}'))).toBe(-1);
    expect(Commands.number(cmd('{"cmd":"7"}'))).toBe(-1);
    expect(Commands.number(cmd('{"cmd":4294967295}'))).toBe(4294967295);
  });
});
