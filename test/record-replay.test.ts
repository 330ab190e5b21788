// Record and replay: a session of the water heater in the live home (real clock, the
// embedded broker, the cloud; registered, a command from Bob's phone), recorded with the console's `record start` / `record stop`,
// replays on the TypeScript and posix hosts with the same trace as the home gave; a
// hand-edited expected output makes the replay fail, naming the step, what was expected
// and what the image gave.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bobRegistered, withHome } from "./support/home.ts";
import { runCommand } from "../host-sim/home/commands.ts";
import { loadScenario, scenarioFromText } from "../host-sim/scenario/json.ts";
import { replayScenario } from "../host-sim/scenario/replay.ts";

const until = async (what: string, ok: () => boolean, ms = 10000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test("a recorded session of the water heater replays with the same trace on ts and posix; an edited expectation fails", async () => {
  const out = mkdtempSync(join(tmpdir(), "recorded-"));
  const file = join(out, "heater.json");
  await withHome("embedded", async (home) => {
    await bobRegistered(home);
    assert.match(await runCommand(home, "record start heater"), /recording heater/);
    await runCommand(home, "press menu down down down ok");
    await until("the connection menu", () => /^Connection/.test(home.heater.screen));
    await runCommand(home, "press back back");
    assert.match(await runCommand(home, "bob set bath_temp 39"), /^bob: command \d+: done$/);
    await runCommand(home, "power");
    await runCommand(home, "press menu");
    await until("the menu after the power cut", () => /Menu|Bath|Connection/.test(home.heater.screen));
    assert.match(await runCommand(home, `record stop ${file}`), /recorded .*heater\.json/);
  });

  const s = loadScenario(file);
  assert.equal(s.image, "water-heater");
  assert.equal(s.timers, "recorded");
  const boots = s.steps.filter((st) => "boot" in st).length;
  assert.equal(boots, 2, "the recording's own power-on and the power cut");
  const presses = s.steps.filter((st) => "event" in st && st.event.kind === "BUTTON").map((st) => st.label);
  assert.deepEqual(presses, ["press menu", "press down", "press down", "press down", "press ok", "press back", "press back", "press menu"]);
  const kinds = new Set(s.steps.flatMap((st) => "event" in st ? [st.event.kind] : []));
  for (const k of ["MQTT_STATE", "MQTT_MESSAGE", "MQTT_ACK"]) assert.ok(kinds.has(k), `the session has ${k} events`);
  const text = readFileSync(file, "utf8");
  assert.doesNotMatch(text, /"pass"/, "no MQTT password in a recording");

  const same = await replayScenario(s, ["ts", "posix"], mkdtempSync(join(tmpdir(), "replay-")));
  assert.equal(same.difference, null, same.text);
  assert.match(same.text, /^same trace on ts, posix \(\d+ calls\)$/);

  // Hand-edit what the connection menu's press expects the screen to show.
  const ok = s.steps.findIndex((st) => st.label === "press ok");
  const edited = JSON.parse(text);
  const display = edited.steps[ok].expect.outputs.find((o: { t: string }) => o.t === "display");
  assert.ok(display, "the press that opened the menu drew the screen");
  const shown = display.text as string;
  display.text = shown.replace("Connection", "Connexion");
  writeFileSync(join(out, "edited.json"), JSON.stringify(edited));
  const diff = await replayScenario(scenarioFromText(JSON.stringify(edited)), ["ts", "posix"], mkdtempSync(join(tmpdir(), "replay-")));
  assert.ok(diff.difference, "the edited expectation is a difference");
  assert.equal(diff.difference.host, "ts");
  assert.equal(diff.difference.step, ok);
  assert.equal(diff.difference.label, "press ok");
  assert.match(diff.difference.expected, /Connexion/);
  assert.match(diff.difference.got, /Connection/);
  assert.match(diff.text, new RegExp(`^ts: differs at step ${ok} \\(press ok\\)`));
});
