// The page's flow, console and flash views in headless chromium: a registration drawn as
// a sequence diagram with its lanes, filtered by protocol and actor, a message's decoded
// fields with the secret masked; the heater's console with its level filter; its flash
// by record name with the registration masked. Screenshots go to test-artifacts/.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { Home } from "../host-sim/home/world.ts";
import { chromiumMissing, screenshot, withPage } from "./support/browser.ts";
import { bobRegistered } from "./support/home.ts";

const skip = chromiumMissing;
const TIMEOUT = 20_000;

/** The heater's home alone, its page open. */
const withObservedHome = (fn: (page: Page, home: Home) => Promise<void>) =>
  withPage({ meter: false, pcs: false, lock: false, printer: false }, async (page, home) => {
    await page.locator('[data-panel="heater"]').waitFor({ timeout: TIMEOUT });
    await fn(page, home);
  });

test("the flow, the console and the flash of a registration, in the page", { skip }, async () => {
  await withObservedHome(async (page, home) => {
    await bobRegistered(home);

    // The flow: a lane per actor, arrows between them.
    const lanes = async () => page.locator(".flow-head [data-lane]").evaluateAll((es) => es.map((e) => e.textContent));
    await page.waitForFunction(() => document.querySelectorAll('.flow-head [data-lane="cloud"]').length === 1, undefined, { timeout: TIMEOUT });
    for (const a of ["bob", "heater", "broker", "cloud"]) assert.ok((await lanes()).includes(a), `lane ${a}`);
    await page.locator('.flow-row[data-protocol="LAN"]').first().waitFor({ timeout: TIMEOUT });
    await screenshot(page, "web-flow");
    // Only MQTT, then only the cloud's messages.
    for (const box of await page.locator(".flow-bar [data-protocol]").all()) if (await box.getAttribute("data-protocol") !== "MQTT") await box.uncheck();
    const protocols = await page.locator(".flow-row").evaluateAll((es) => es.map((e) => (e as HTMLElement).dataset.protocol));
    assert.ok(protocols.length > 0 && protocols.every((p) => p === "MQTT"), `only MQTT: ${protocols.join(",")}`);
    await page.selectOption('[data-filter="actor"]', "heater");
    const titles = await page.locator(".flow-row").evaluateAll((es) => es.map((e) => e.getAttribute("title") ?? ""));
    assert.ok(titles.length > 0 && titles.every((t) => / heater → | → heater:/.test(t)), titles.join("\n"));
    // The heater's login, clicked: its fields, the password masked.
    await page.locator(".flow-row", { hasText: "CONNECT as" }).first().click();
    assert.equal(await page.locator('[data-flow-detail] tr[data-field="password"] td').nth(1).textContent(), "•••");
    await screenshot(page, "web-flow-detail");

    // The console: the heater's log in device time, then errors only.
    await page.click('[data-tab="console"]');
    await page.locator('[data-console-lines] [data-level="info"]').first().waitFor({ timeout: TIMEOUT });
    const text = await page.locator("[data-console-lines]").textContent();
    assert.match(text ?? "", /I \( *\d+\.\d{3}\) registered as /);
    await screenshot(page, "web-console");
    await page.selectOption("[data-console-level]", "error");
    assert.equal(await page.locator('[data-console-lines] [data-level="info"]').count(), 0);

    // The flash: records by name, the registration masked, wear per page.
    await page.click('[data-tab="flash"]');
    const reg = page.locator('[data-flash-records] tr[data-record="onboarding.registration"][data-state="live"]');
    await reg.waitFor({ timeout: TIMEOUT });
    assert.equal(await reg.locator("td.value").textContent(), "•••");
    assert.equal(await page.locator("[data-flash-pages] [data-erases]").count(), 16);
    await screenshot(page, "web-flash");
  });
});
