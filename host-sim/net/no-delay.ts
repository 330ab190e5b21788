// Small MQTT packets must leave at once. With Nagle's algorithm on, a CONNACK or PUBACK
// written while the peer still delays its ACK of the last segment waits for that ACK
// (about 40 ms on Linux): registration paid it on every new connection. Every MQTT
// socket of the simulated world sets TCP_NODELAY, client and broker side alike.
import type { Socket } from "node:net";
import type { MqttClient } from "mqtt";

/** Turns Nagle off on the client's connection and on every one it opens to reconnect. */
export function mqttNoDelay(client: MqttClient): MqttClient {
  const build = client.streamBuilder;
  client.streamBuilder = (c) => {
    const stream = build(c);
    (stream as Partial<Socket>).setNoDelay?.(true);
    return stream;
  };
  (client.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
  return client;
}
