// water-heater: the bath water heater's remote controller (seed 000). Registration with
// the maker's app over the home LAN, operation from the buttons or from the app through
// the cloud, usage history that survives outages. Protocols: PROTOCOL.md.
import * as board from "../../board/index";
import { Event, Link, INBOX_SIZE } from "../../board/index";
import { inboxBytes } from "../../board/entry";
import { OK, E_INVAL, E_RANGE, E_UNSUPPORTED, E_MALFORMED } from "../../core/errors";
import { RecordStore } from "../../storage/record-store";
import { CredentialStore } from "../../modules/credential-store/index";
import { waterHeaterKeyspace } from "./keys";
import { Scheduler } from "../../modules/scheduler/index";
import { handleFactory } from "../../modules/service-port/index";
import { Remote, SCHEDULER_TIMER } from "./remote";
export { fw_abi_version, fw_inbox, fw_inbox_size } from "../../board/entry";

const store = new CredentialStore(new RecordStore(), waterHeaterKeyspace());
const scheduler = new Scheduler(SCHEDULER_TIMER, store);
const remote = new Remote(store, scheduler);   // its modules register their deadlines
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
  if (!ready) { board.compose().add("store failed to mount: ").num(rc).error(); board.compose().add("Water heater\nService required (storage)").show(); return rc; }
  board.compose().add("water heater booted; ").add(store.registered() ? "registered" : "not registered").info();
  scheduler.boot();
  remote.boot();
  return OK;
}

function event(kind: i32, arg: i32, len: i32): i32 {
  if (len < 0 || len > INBOX_SIZE) return E_RANGE;
  if (!ready) return E_UNSUPPORTED;
  if (kind == Event.BUTTON) return remote.onButton(arg);
  if (kind == Event.TIMER) return remote.onTimer(arg);
  if (kind == Event.MQTT_STATE) return remote.onMqttState(arg);
  if (kind == Event.MQTT_ACK) return remote.onMqttAck(arg, len > 0 ? <i32>inboxBytes(1)[0] : 0);
  if (kind == Event.MQTT_MESSAGE) {
    if (arg < 1 || arg > len) return E_MALFORMED;
    const all = inboxBytes(len);
    return remote.onMqttMessage(board.text(all.subarray(0, arg)), all.slice(arg));
  }
  if (kind == Event.LINK) {
    if (arg == Link.LAN) return remote.onLan(inboxBytes(len));
    if (arg == Link.SERVICE) return handleFactory(store, inboxBytes(len));
    return E_UNSUPPORTED;
  }
  if (kind == Event.GPIO) return E_UNSUPPORTED;
  return E_INVAL;
}
