// devkit: the board bring-up image. It runs the credential store behind the service
// port so a new board (or the simulator) can be checked end to end: storage, erase,
// attempt limits, tamper detection, power-cut recovery.
import * as board from "../../board/index";
import { Event, Link, Pin, INBOX_SIZE } from "../../board/index";
import { inboxBytes } from "../../board/entry";
import { E_INVAL, E_RANGE, E_UNSUPPORTED, OK } from "../../core/errors";
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/credential-store";
import { handleServiceFrame } from "./service";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

const store = new CredentialStore(new RecordStore());
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
    board.logInfo("store mounted: " + r.records.toString() + " records, " + r.scrubbed.toString() + " scrubbed, "
      + r.erasedPages.toString() + " pages erased" + (r.resumedCollection ? ", collection resumed" : ""));
  } else {
    board.logError("store failed to mount: " + rc.toString());
  }
  showStatus();
  return rc;
}

function event(kind: i32, arg: i32, len: i32): i32 {
  if (len < 0 || len > INBOX_SIZE) return E_RANGE;
  if (kind == Event.LINK) {
    if (arg != Link.SERVICE) return E_UNSUPPORTED;
    if (!ready) return E_UNSUPPORTED;
    const rc = handleServiceFrame(store, inboxBytes(len));
    if (store.tamperedId != 0) board.gpioWrite(Pin.STATUS_LED, 1);
    showStatus();
    return rc;
  }
  if (kind == Event.TIMER || kind == Event.BUTTON || kind == Event.GPIO || kind == Event.MQTT_STATE
    || kind == Event.MQTT_MESSAGE || kind == Event.MQTT_ACK) return E_UNSUPPORTED;
  return E_INVAL;
}

function showStatus(): void {
  const serial = ready ? store.serial() : null;
  board.show("devkit\nserial: " + (serial === null ? "-" : serial)
    + "\nregistered: " + (ready && store.registered() ? "yes" : "no")
    + "\nrecords: " + (ready ? store.records.count().toString() : "-")
    + (store.tamperedId != 0 ? "\nTAMPER ALARM" : ""));
}
