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
