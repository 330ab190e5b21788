// What the cloud needs from MQTT, and nothing more: publish QoS 1 and receive the
// devices' uplink. Kept this small so tests (and the deterministic simulator) can drive
// the cloud without a broker; mqtt-transport.ts adapts mqtt.js to it.

export interface MqttTransport {
  /** Publish at QoS 1. May resolve when the broker acknowledged; the cloud does not wait. */
  publish(topic: string, payload: string): void | Promise<void>;
  /** Called for every message on devices/+/up/# (the transport subscribes). */
  onMessage(cb: (topic: string, payload: Buffer | string) => void): void;
  /** Disconnect; called by stop(). */
  close?(): void | Promise<void>;
}

/** Which device credentials the broker accepts. The broker implements it; the cloud is
 *  the one that knows about registrations, so it tells the broker. */
export interface DeviceDirectory {
  /** Accept `deviceId` with this mosquitto $7$ password hash (add or replace), only from
   *  the remote whose certificate CN is `serial`. */
  setDevice(deviceId: string, passwordHash: string, serial: string): Promise<void>;
  /** Refuse `deviceId` from now on (a retired registration). Optional. */
  removeDevice?(deviceId: string): Promise<void>;
}
