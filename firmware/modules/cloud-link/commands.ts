// Commands from the cloud, {"cmd":n,...} on the down topic, and the rules for answering
// them (water-heater PROTOCOL.md §2): a command not above the last one applied (a resend
// after an outage, or a replay) is not applied again; the last applied one is answered 0
// again (it was applied; this also answers it if a power cut came between applying it
// and storing its reply), older ones E_STATE. The replay floor and the records the
// command changes are committed in one transaction before the command acts: a power cut
// can neither let one command act twice nor leave its setting without its floor. Replies go through the
// outbox, so they survive outages; the cloud keeps the first reply to each command.
import * as board from "../../board/index";
import { OK, E_MALFORMED, E_STATE } from "../../core/errors";
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import { FlatJson, JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore, CredentialTransaction } from "../credential-store/index";
import { ValueType } from "../credential-store/index";
import { CloudLink } from "./cloud-link";

/** u32: the number of the last command applied. Registration class: a new registration
 *  starts afresh. */
export const LAST_COMMAND: u32 = 0x0203;

/** What an image does with a command. */
export abstract class CommandHandler {
  /** OK when the command may act (known setting, value in range); changes nothing. */
  abstract check(j: FlatJson): i32;
  /** Adds the records a checked command changes to `t`, which commits them together with
   *  the replay floor, all or nothing, before apply() runs. A command that changes no
   *  record stages nothing. */
  stage(j: FlatJson, t: CredentialTransaction): i32 { return OK; }
  /** The result of the transaction stage() filled (OK, or the store's error): a handler
   *  that staged state of its own (a prepaid counter's charge) adopts it or drops it here,
   *  whether or not apply() follows. */
  committed(rc: i32): void {}
  /** Acts on a command whose records are committed: OK once it took effect, else why not. */
  abstract apply(j: FlatJson): i32;
}

export class Commands {
  constructor(private store: CredentialStore, private link: CloudLink, private replyKind: u8) {}

  /** The command number, or -1 when `j` is no command (not JSON, or "cmd" missing or
   *  outside 1..2^32-1). */
  static number(j: FlatJson | null): i64 {
    const cmd = j === null ? -1 : j.int("cmd", -1);
    return cmd < 1 || cmd > 0xffffffff ? -1 : cmd;
  }

  /** A message that is no command gets a live reply E_MALFORMED (nothing to store: the
   *  cloud cannot match it to a command of its own). */
  refuse(j: FlatJson | null): i32 {
    board.compose().add("malformed command refused").warn();
    this.link.publish(this.link.topics.replyKind, new JsonWriter().num("cmd", j === null ? -1 : j.int("cmd", -1)).num("status", E_MALFORMED).toString());
    return E_MALFORMED;
  }

  /** A command (Commands.number(j) > 0): checked and applied by `handler` at most once,
   *  answered through the outbox. Returns its status. */
  run(j: FlatJson, handler: CommandHandler): i32 {
    const cmd = Commands.number(j);
    if (cmd < 0) return this.refuse(j);
    let status = OK;
    const last = <i64>this.lastApplied();
    let again = false;
    if (cmd == last && last > 0) again = true;                   // applied already: answer as then
    else if (cmd < last) status = E_STATE;                       // resent, replayed or out of order
    else status = handler.check(j);
    if (status == OK && !again) status = this.commit(<u32>cmd, j, handler);
    if (status == OK && !again) status = handler.apply(j);
    if (status != OK && status != E_STATE) board.compose().add("command ").num(cmd).add(" not applied: ").num(status).warn();
    const rc = this.link.enqueue(this.replyKind, replyEntry(<u32>cmd, status));
    if (rc < 0) board.compose().add("reply to command ").num(cmd).add(" not stored (").num(rc).add(")").error();
    return status;
  }

  /** The replay floor and the command's own records, in one transaction. */
  private commit(cmd: u32, j: FlatJson, handler: CommandHandler): i32 {
    const t = this.store.begin();
    let rc = t.putU32(LAST_COMMAND, cmd, 0);
    if (rc == OK) rc = handler.stage(j, t);
    if (rc != OK) { t.discard(); handler.committed(rc); return rc; }
    rc = t.commit();
    handler.committed(rc);
    return rc;
  }

  lastApplied(): u32 {
    const v = this.store.getTyped(LAST_COMMAND, ValueType.U32);
    return v === null || v.length != 4 ? 0 : getU32LE(v, 0);
  }
}

/** A reply in the outbox: cmd u32 LE | status i8, 5 bytes; a status outside the i8
 *  range (the meter answers a scheduled change with its id) takes i32 LE, 8 bytes. */
export function replyEntry(cmd: u32, status: i32): Uint8Array {
  const wide = status < -128 || status > 127;
  const b = new Uint8Array(wide ? 8 : 5);
  putU32LE(b, 0, cmd);
  if (wide) putU32LE(b, 4, <u32>status);
  else b[4] = <u8><i8>status;
  return b;
}

/** The reply's wire fields after "seq": "cmd" and "status"; false for a body that is no
 *  reply entry. */
export function replyJson(w: JsonWriter, body: Uint8Array): bool {
  if (body.length == 5) { w.num("cmd", getU32LE(body, 0)).num("status", <i8>body[4]); return true; }
  if (body.length == 8) { w.num("cmd", getU32LE(body, 0)).num("status", <i32>getU32LE(body, 4)); return true; }
  return false;
}
