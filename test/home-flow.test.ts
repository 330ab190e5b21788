// The home's message flow as the page shows it: messages between actors, by protocol,
// decoded fields with every secret masked, and identical errors in a row collapsed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FlowLog, flowLine, flowNote } from "../host-sim/home/flow.ts";
import type { FlowMessage } from "../host-sim/web/messages.ts";
import { MASK, SecretFields, mqttPublish, httpRequest, udpDatagram } from "../host-sim/home/flow-messages.ts";
import { bobRegistered, withHome } from "./support/home.ts";

test("a registration's flow has its actors and protocols, and no secret in any message", async () => {
  await withHome("embedded", async (home) => {
    const before = home.flowLog.messages.length;
    const { password } = await bobRegistered(home);
    const messages = home.flowLog.messages.slice(before);
    const actors = new Set(messages.flatMap((m) => [m.from, m.to]));
    for (const a of ["bob", "heater", "cloud", "broker"]) assert.ok(actors.has(a), `actor ${a} in ${[...actors].join(", ")}`);
    const protocols = new Set(messages.map((m) => m.protocol));
    for (const p of ["LAN", "HTTP", "MQTT"] as const) assert.ok(protocols.has(p), `protocol ${p} in ${[...protocols].join(", ")}`);
    // The heater's login shows its client id and a masked password.
    const login = messages.find((m) => m.from === "heater" && m.summary.startsWith("CONNECT"));
    assert.equal(login?.fields?.password, MASK);
    // Bob's app talks to the cloud: one of his requests made the registration.
    assert.ok(messages.some((m) => m.protocol === "HTTP" && m.from === "bob" && /^POST \S+ -> 20\d$/.test(m.summary)));
    // The device's publishes reach the cloud through the broker.
    assert.ok(messages.some((m) => m.protocol === "MQTT" && m.from === "heater" && m.to === "broker" && m.fields?.topic?.includes("/up/")));
    assert.ok(messages.some((m) => m.protocol === "MQTT" && m.from === "broker" && m.to === "cloud"));
    // And back: Bob's setting goes cloud -> broker -> heater, and the heater's reply out again.
    const down = messages.findIndex((m) => m.from === "cloud" && m.to === "broker" && m.fields?.topic?.endsWith("/down"));
    const delivered = messages.findIndex((m, i) => i > down && m.from === "broker" && m.to === "heater" && m.fields?.topic?.endsWith("/down"));
    assert.ok(down >= 0 && delivered > down, "the command reaches the heater through the broker");
    assert.ok(messages.slice(delivered).some((m) => m.from === "heater" && m.to === "broker" && m.fields?.topic?.endsWith("/up/reply")), "its reply follows");
    const shown = JSON.stringify(home.flowLog.messages) + JSON.stringify(home.flow);
    for (const secret of [password, "bob-app-password", "alice-app-password", ...home.devicePasswords]) {
      assert.equal(shown.split(secret).length - 1, 0, "a secret reached the flow");
    }
    // The terminal's lines are the same messages as text.
    assert.equal(home.flow.at(-1)!.text, flowLine(home.flowLog.messages.at(-1)!).text);
  });
});

test("an MQTT payload's secret fields are masked: declared ones and passwords, keys, tokens, codes", () => {
  const secrets = new SecretFields(["st"]); // the printer's cloud declares its ST secret
  const st = "c2VjcmV0LXN0LXZhbHVlLTAxMjM0NTY3";
  const m = mqttPublish("printer", "broker", "printers/d1/up/svwt", JSON.stringify({ st, seq: 7, inner: { deviceKey: "k3y-bytes-here", pages: 3 }, meterCode: "0000-1111" }), secrets);
  assert.equal(m.fields!.st, MASK);
  assert.equal(m.fields!["inner.deviceKey"], MASK);
  assert.equal(m.fields!.meterCode, MASK);
  assert.equal(m.fields!.seq, "7");
  assert.equal(m.fields!["inner.pages"], "3");
  const ids = mqttPublish("lock", "broker", "t", JSON.stringify({ grantId: 17, publicKey: "04ab", grant_id: 3, grant: "g-secret" }), secrets).fields!;
  assert.deepEqual([ids.grantId, ids.publicKey, ids.grant_id, ids.grant], ["17", "04ab", "3", MASK], "names and public keys are shown");
  const all = JSON.stringify(m);
  for (const secret of [st, "k3y-bytes-here", "0000-1111"]) assert.ok(!all.includes(secret), `${secret} shown`);
  // What the cloud already blanked is shown masked too.
  assert.equal(mqttPublish("cloud", "broker", "t", '{"cwt":"<redacted>"}', new SecretFields()).fields!.cwt, MASK);
  // A query string's secrets too.
  assert.equal(httpRequest({ method: "GET", path: "/api/x?token=abc&n=2", status: 200 }, secrets).fields!.path, `/api/x?token=${MASK}&n=2`);
});

test("identical errors in a row collapse into one message with a count", () => {
  const log = new FlowLog();
  const seen: number[] = [];
  log.onMessage((m) => seen.push(m.id));
  const refused = { protocol: "LAN" as const, from: "bob", to: "heater", summary: "HELLO (31 B)  REFUSED by the router", error: true };
  log.add(refused); log.add(refused); log.add(refused);
  assert.equal(log.messages.length, 1);
  assert.equal(log.messages[0].count, 3);
  assert.deepEqual(seen, [1, 1, 1], "each repeat updates the same message");
  log.add({ ...refused, summary: "ERROR (3 B)" });
  log.add(refused);
  assert.deepEqual(log.messages.map((m) => m.count ?? 1), [3, 1, 1], "another error ends the run");
  const note = flowNote("HOME", "alice waits");
  log.add(note); log.add(note);
  assert.equal(log.messages.length, 5, "messages that are not errors never collapse");
});

test("a broker outage: the cloud's repeated connection errors are one message with a count", async () => {
  await withHome("embedded", async (home) => {
    // Woken by the flow itself: the collapsed message is pushed again with each repeat.
    const third = new Promise<FlowMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the cloud's errors never repeated")), 20_000);
      home.flowLog.onMessage((m) => { if (m.from === "cloud" && m.error && (m.count ?? 1) >= 3) { clearTimeout(timer); resolve(m); } });
    });
    await home.brokerDown();
    const repeated = await third;
    assert.match(repeated.summary, /^cloud: MQTT error: connect ECONNREFUSED/);
    // The terminal still has each line.
    assert.ok(home.flow.filter((l) => l.text === repeated.summary).length >= 3);
    // Never two identical errors next to each other in the page's flow.
    const msgs = home.flowLog.messages;
    for (let i = 1; i < msgs.length; i++) {
      const [a, b] = [msgs[i - 1], msgs[i]];
      assert.ok(!(a.error && b.error && a.from === b.from && a.to === b.to && a.summary === b.summary), `${a.summary} twice in a row`);
    }
    await home.brokerUp();
  });
});

test("a UDP datagram goes from its sender's lane to its receiver's, or the LAN's when several took it", () => {
  const g = { sender: "hems", fromPort: 3610, toPort: 3610, data: new Uint8Array(14), reached: ["meter"] };
  const one = udpDatagram(g, "192.168.1.2", "192.168.1.10");
  assert.deepEqual([one.from, one.to, one.summary, one.error], ["hems", "meter", "192.168.1.2:3610 -> 192.168.1.10:3610  14 B (to meter)", undefined]);
  assert.equal(udpDatagram({ ...g, reached: ["meter", "hems2"] }, "192.168.1.2", "224.0.23.0").to, "lan");
  const lost = udpDatagram({ ...g, reached: [] }, "192.168.1.2", "192.168.1.99");
  assert.deepEqual([lost.to, lost.error], ["(nobody)", true]);
});
