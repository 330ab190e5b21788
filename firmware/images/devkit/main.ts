// devkit: the board bring-up image. It runs the credential store behind the service
// port so a new board (or the simulator) can be checked end to end: storage, erase,
// attempt limits, tamper detection, power-cut recovery, and the scheduler's deadlines.
import * as board from "../../board/index";
import { Event, Link, Pin, INBOX_SIZE } from "../../board/index";
import { inboxBytes } from "../../board/entry";
import { E_INVAL, E_RANGE, E_UNSUPPORTED, OK } from "../../core/errors";
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/index";
import { handleServiceFrame } from "./service";
import { DeadlineOp, handleDeadlineRequest, registerDeadlines } from "./deadlines";
import { Scheduler } from "../../modules/scheduler/index";
import { devkitKeyspace } from "./keys";
import { parseRequest, reply } from "../../modules/service-port/index";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

const store = new CredentialStore(new RecordStore(), devkitKeyspace());
const scheduler = new Scheduler(0, store);
let ready = false;

export function fw_boot(): i32 {
  const rc = boot();
  board.settle();
  return rc;
}

export function fw_event(kind: i32, arg: i32, len: i32): i32 {
  const rc = event(kind, arg, len);
  board.settle();
  return rc;
}

function boot(): i32 {
  const rc = store.open();
  ready = rc == OK;
  const r = store.records.report;
  if (ready) {
    const line = board.compose().add("store mounted: ").num(r.records).add(" records, ").num(r.scrubbed).add(" scrubbed, ")
      .num(r.erasedPages).add(" pages erased");
    if (r.resumedCollection) line.add(", collection resumed");
    if (r.rolledForward > 0) line.add(", ").num(r.rolledForward).add(" transaction records completed");
    line.info();
  } else {
    board.compose().add("store failed to mount: ").num(rc).error();
  }
  if (ready) { registerDeadlines(scheduler); scheduler.boot(); }
  showStatus();
  return rc;
}

function event(kind: i32, arg: i32, len: i32): i32 {
  if (len < 0 || len > INBOX_SIZE) return E_RANGE;
  if (kind == Event.LINK) {
    if (arg != Link.SERVICE) return E_UNSUPPORTED;
    if (!ready) return E_UNSUPPORTED;
    const frame = inboxBytes(len);
    const op = frame.length > 0 ? frame[0] : 0;
    const req = op == DeadlineOp.SCHEDULE || op == DeadlineOp.CANCEL ? parseRequest(frame) : null;
    const rc = req !== null ? reply(op, handleDeadlineRequest(scheduler, req), new Uint8Array(0)) : handleServiceFrame(store, frame);
    if (store.tamperedId != 0) board.gpioWrite(Pin.STATUS_LED, 1);
    showStatus();
    return rc;
  }
  if (kind == Event.TIMER) return ready ? scheduler.onTimer(arg) : E_UNSUPPORTED;
  if (kind == Event.BUTTON || kind == Event.GPIO || kind == Event.MQTT_STATE
    || kind == Event.MQTT_MESSAGE || kind == Event.MQTT_ACK) return E_UNSUPPORTED;
  return E_INVAL;
}

function showStatus(): void {
  const serial = ready ? store.serial() : null;
  const c = board.compose().add("devkit\nserial: ");
  if (serial === null) c.add("-"); else c.add(serial);
  c.add("\nregistered: ").add(ready && store.registered() ? "yes" : "no").add("\nrecords: ");
  if (ready) c.num(store.records.count()); else c.add("-");
  if (store.tamperedId != 0) c.add("\nTAMPER ALARM");
  c.show();
}
