// An image's MQTT topics: <root>/<device id>/up/<kind> out, <root>/<device id>/down in.
// The image names its root and the uplink kinds the platform itself sends (command
// replies, outbox gaps); its own kinds (hello, state, history, ...) it names where it
// publishes them.

export class TopicSchema {
  constructor(
    /** The first topic level, the one the broker's ACL ties to the device's login. */
    public root: string,
    /** The uplink kind of command replies (commands.ts). */
    public replyKind: string,
    /** The uplink kind of the gap entry the outbox sends for messages it had to drop. */
    public gapKind: string,
  ) {}

  up(deviceId: string, kind: string): string { return this.root + "/" + deviceId + "/up/" + kind; }
  down(deviceId: string): string { return this.root + "/" + deviceId + "/down"; }
}

/** A device id as it goes into topics: visible ASCII without / + # (the cloud's ids are
 *  far narrower; this keeps a topic from being built out of a bad one). Images check an
 *  id they are given (a phone's REGISTER, an installer's INSTALL) with it before storing. */
export function validDeviceId(id: string): bool {
  if (id.length < 1) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c == 0x2f || c == 0x2b || c == 0x23) return false;
  }
  return true;
}
