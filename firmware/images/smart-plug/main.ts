// smart-plug: the smallest appliance on the platform. A relay switched by a button or by
// cloud commands, its state reported, pairing with the app over the home LAN with the
// secure session and the onboarding module. README.md.
import * as board from "../../board/index";
import { Event, Link, INBOX_SIZE } from "../../board/index";
import { inboxBytes } from "../../board/entry";
import { OK, E_INVAL, E_RANGE, E_UNSUPPORTED, E_MALFORMED } from "../../core/errors";
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/index";
import { smartPlugKeyspace } from "./keys";
import { Scheduler } from "../../modules/scheduler/index";
import { handleFactory } from "../../modules/service-port/index";
import { Plug, SCHEDULER_TIMER } from "./plug";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

const store = new CredentialStore(new RecordStore(), smartPlugKeyspace());
const scheduler = new Scheduler(SCHEDULER_TIMER, store);
const plug = new Plug(store, scheduler);
let ready = false;

// The minimal runtime collects garbage only at a safe point: after each call, when
// nothing of the image is on the stack (board.settle).
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
  if (!ready) { board.compose().add("store failed to mount: ").num(rc).error(); board.compose().add("Service required").show(); return rc; }
  board.compose().add("smart plug booted; ").add(store.registered() ? "registered" : "not registered").info();
  scheduler.boot();
  plug.boot();
  return OK;
}

function event(kind: i32, arg: i32, len: i32): i32 {
  if (len < 0 || len > INBOX_SIZE) return E_RANGE;
  if (!ready) return E_UNSUPPORTED;
  if (kind == Event.BUTTON) return plug.onButton(arg);
  if (kind == Event.TIMER) return plug.onTimer(arg);
  if (kind == Event.MQTT_STATE) return plug.onMqttState(arg);
  if (kind == Event.MQTT_ACK) return plug.onMqttAck(arg, len > 0 ? <i32>inboxBytes(1)[0] : 0);
  if (kind == Event.MQTT_MESSAGE) {
    if (arg < 1 || arg > len) return E_MALFORMED;
    const all = inboxBytes(len);
    return plug.onMqttMessage(board.text(all.subarray(0, arg)), all.slice(arg));
  }
  if (kind == Event.LINK) {
    if (arg == Link.LAN) return plug.onLan(inboxBytes(len));
    if (arg == Link.SERVICE) return handleFactory(store, inboxBytes(len));
    return E_UNSUPPORTED;
  }
  return kind == Event.GPIO ? E_UNSUPPORTED : E_INVAL;
}
