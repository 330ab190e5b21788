// Any image on the page, in headless chromium: `--image` gives the smart plug's image a
// panel with the buttons its image declares; the recorder tab records a session of
// clicks, and the file it names replays with the same trace on ts and posix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumMissing, screenshot, withPage } from "./support/browser.ts";
import { loadScenario } from "../host-sim/scenario/json.ts";
import { replayScenario } from "../host-sim/scenario/replay.ts";

const TIMEOUT = 20_000;
const ALONE = { heater: false, printer: false, meter: false, pcs: false, lock: false };

test("an --image device's panel and the recorder tab, by clicking", { skip: chromiumMissing }, async () => {
  await withPage({ ...ALONE, image: { path: "build/images/smart-plug.wasm", host: "ts" } }, async (page) => {
    const panel = page.locator('[data-panel="smart-plug"]');
    await panel.waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await panel.locator("[data-button]").evaluateAll((bs) => bs.map((b) => b.getAttribute("data-button"))),
      ["toggle", "up", "down", "ok", "back", "pair"], "the buttons its image declares");
    assert.equal(await page.locator("[data-panel]").count(), 1, "no named appliance beside it");

    await page.click('[data-tab="recorder"]');
    await page.click('[data-record="toggle"]');
    await page.locator('[data-record="state"]', { hasText: "recording" }).waitFor({ timeout: TIMEOUT });
    await page.click('[data-panel="smart-plug"] [data-button="toggle"]');
    await page.waitForFunction(() => /On/.test(document.querySelector('[data-screen="smart-plug"]')?.textContent ?? ""), undefined, { timeout: TIMEOUT });
    await page.click('[data-record="toggle"]');
    await page.locator('[data-record="state"]', { hasText: "not recording" }).waitFor({ timeout: TIMEOUT });
    const log = (await page.locator('[data-record="log"]').textContent()) ?? "";
    await screenshot(page, "web-image-recorder");
    const file = /^npm run replay -- (\S+)$/m.exec(log)?.[1];
    assert.ok(file, `the recorder names the file it wrote: ${log}`);

    const s = loadScenario(file);
    assert.deepEqual(s.steps.flatMap((st) => st.label?.startsWith("press") ? [st.label] : []), ["press toggle"]);
    const r = await replayScenario(s, ["ts", "posix"], mkdtempSync(join(tmpdir(), "replay-")));
    assert.equal(r.difference, null, r.text);
  });
});
