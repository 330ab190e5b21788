// The two exports every connected appliance image has, written once: an image's main.ts
// is `fw_boot() { return bootAppliance(app) }` and `fw_event(k, a, l) { return
// applianceEvent(app, k, a, l) }`. Both end at board.settle(), the minimal runtime's one
// safe point to collect (nothing of the image is on the stack).
import * as board from "../../board/index";
import { Event, INBOX_SIZE } from "../../board/index";
import { inboxBytes } from "../../board/entry";
import { OK, E_INVAL, E_RANGE, E_UNSUPPORTED, E_MALFORMED } from "../../core/errors";
import { slice } from "../../core/codecs/bytes";
import { ConnectedAppliance } from "./appliance";

let ready = false;

/** Mounts the store (a store that does not mount leaves the appliance showing that it
 *  needs service, refusing every event), then boots the scheduler and the appliance. */
export function bootAppliance(a: ConnectedAppliance): i32 {
  const rc = a.store.open();
  ready = rc == OK;
  if (!ready) {
    board.compose().add("store failed to mount: ").num(rc).error();
    board.compose().add(a.identity.title).add("\nService required (storage)").show();
  } else {
    board.compose().add(a.identity.name).add(" booted; ").add(a.store.registered() ? "registered" : "not registered").info();
    a.scheduler.boot();
    a.boot();
  }
  board.settle();
  return rc;
}

export function applianceEvent(a: ConnectedAppliance, kind: i32, arg: i32, len: i32): i32 {
  const rc = dispatch(a, kind, arg, len);
  board.settle();
  return rc;
}

function dispatch(a: ConnectedAppliance, kind: i32, arg: i32, len: i32): i32 {
  if (len < 0 || len > INBOX_SIZE) return E_RANGE;
  if (!ready) return E_UNSUPPORTED;
  if (kind == Event.BUTTON) return a.onButton(arg);
  if (kind == Event.TIMER) return a.onTimer(arg);
  if (kind == Event.MQTT_STATE) return a.onMqttState(arg);
  if (kind == Event.MQTT_ACK) return a.onMqttAck(arg, len > 0 ? <i32>inboxBytes(1)[0] : 0);
  if (kind == Event.MQTT_MESSAGE) {
    if (arg < 1 || arg > len) return E_MALFORMED;
    const all = inboxBytes(len);
    return a.onMqttMessage(board.text(slice(all, 0, arg)), slice(all, arg, len - arg));
  }
  if (kind == Event.LINK) return a.onLink(arg, inboxBytes(len));
  if (kind == Event.GPIO) return a.onGpio(arg);
  if (kind == Event.WIFI) return a.onWifi(arg);
  if (kind == Event.UDP) return a.onUdp(arg, inboxBytes(len));
  return E_INVAL;
}
