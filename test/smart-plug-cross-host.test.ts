// The smart plug (the second image, built only from the shared modules) on every host,
// driven by the same scenario (host-sim/appliances/smart-plug): pairing over the LAN with
// the secure session, the relay switched by its button and by cloud commands, a replayed
// command refused, an outage and a power cut. Every output and the final flash bytes
// must be identical, and the plug must have done what its user relies on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { smartPlugScript } from "../host-sim/appliances/smart-plug/scenario.ts";
import { nativeEngines } from "./support/engines.ts";

const ENGINES = nativeEngines();

test("smart plug: pairs, switches and answers commands alike on every host", async () => {
  const ts = await smartPlugScript("ts");
  // The relay followed the button and the app: off at boot, on by hand, off, on; off
  // again at the reboot (the plug comes back off).
  assert.deepEqual(ts.relay, [0, 1, 0, 1, 0]);
  const said = ts.published.join("\n");
  assert.match(said, /\/up\/hello \{"serial":"SP-0007","fw":"smart-plug 1"\}/);
  assert.match(said, /\/up\/reply \{"seq":1,"cmd":1,"status":0\}/);
  assert.match(said, /\/up\/reply \{"seq":3,"cmd":1,"status":-3\}/, "the replayed command is refused");
  assert.match(said, /\/up\/reply \{"seq":4,"cmd":3,"status":-2\}/, "a value out of range is refused");
  const afterReboot = said.slice(said.lastIndexOf("/up/hello"));
  // The outbox moves its floor by whole chunks, so the acknowledged replies may come
  // again too (the cloud de-duplicates by seq); the unacknowledged ones must.
  assert.match(afterReboot, /"seq":3,"cmd":1,"status":-3/, "replies the cloud did not acknowledge are sent again after the reboot");
  assert.match(afterReboot, /"seq":4,"cmd":3,"status":-2/);
  for (const host of ENGINES) {
    const px = await smartPlugScript(host);
    assert.deepEqual(px.trace, ts.trace, `trace on ${host}`);
    assert.ok(px.flash.equals(ts.flash), `final flash images differ on ${host}`);
  }
});
