// The home's page in headless chromium, driven as a person would: the three water-heater
// registrations by clicking the remote's buttons and the phones' actions, a power cut that
// the panel recovers from (every button on the page named for a screen reader, each
// shortcut announced), and a plot with as many points as the meter measured.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { chromiumMissing, screenshot, withPage } from "./support/browser.ts";

const skip = chromiumMissing;
const TIMEOUT = 20_000;

const screen = (page: Page, device: string) => page.locator(`[data-screen="${device}"]`).first();
const press = (page: Page, device: string, ...buttons: string[]) =>
  buttons.reduce((p, b) => p.then(() => page.click(`[data-panel="${device}"] [data-button="${b}"]`)), Promise.resolve());
/** Waits until the appliance's screen matches. */
const shows = (page: Page, device: string, text: RegExp) =>
  page.waitForFunction(([d, src]) => new RegExp(src).test(document.querySelector(`[data-screen="${d}"]`)?.textContent ?? ""), [device, text.source] as const, { timeout: TIMEOUT });
/** Clicks a phone's action and waits for its reply. */
async function phoneAction(page: Page, phone: string, command: string): Promise<string> {
  const reply = page.locator(`[data-phone="${phone}"] .reply`);
  await page.click(`[data-phone="${phone}"] [data-command="${command}"]`);
  await page.waitForFunction((p) => { const t = document.querySelector(`[data-phone="${p}"] .reply`)?.textContent ?? ""; return t !== "" && !t.endsWith("…"); }, phone, { timeout: TIMEOUT });
  return (await reply.textContent()) ?? "";
}
/** The remote's connection menu, then the given entry (0 new, 1 additional registration). */
async function openRegistration(page: Page, entry: 0 | 1): Promise<void> {
  await press(page, "heater", "menu", "down", "down", "down", "ok");
  await shows(page, "heater", /^Connection\n> New registration/);
  if (entry === 1) await press(page, "heater", "down");
  await press(page, "heater", "ok");
}

test("the three water-heater registrations, by clicking", { skip }, async () => {
  await withPage({ meter: false, pcs: false, lock: false, printer: false }, async (page) => {
    // 1. Bob registers the heater (new registration).
    await openRegistration(page, 0);
    await shows(page, "heater", /^New registration\nStart connecting/);
    await page.click('[data-panel="heater"]');
    await page.keyboard.press("Enter"); // the selected panel's ok, by its shortcut
    await shows(page, "heater", /^Waiting for the app/);
    await screenshot(page, "web-mid-registration");
    const first = /new registration of (\S+)/.exec(await phoneAction(page, "bob", "bob register"))?.[1];
    assert.ok(first, "Bob's phone says it registered the heater");
    await shows(page, "heater", /^Registration complete/);
    await press(page, "heater", "ok");
    await page.locator('[data-panel="heater"] .links li', { hasText: "MQTT connected" }).waitFor({ timeout: TIMEOUT });

    // 2. Alice adds her phone (additional registration): the same registration.
    await openRegistration(page, 1);
    await shows(page, "heater", /^Additional registration\nStart connecting/);
    await press(page, "heater", "ok");
    await shows(page, "heater", /^Waiting for the app/);
    assert.match(await phoneAction(page, "alice", "alice register"), new RegExp(`additional registration of ${first}`));
    await shows(page, "heater", /^Phone added/);
    await press(page, "heater", "ok");

    // 3. Bob moves out; Alice registers afresh, through the initialization of Bob's connection.
    await phoneAction(page, "bob", "bob leave");
    await page.locator('[data-phone="bob"].away').waitFor({ timeout: TIMEOUT });
    await openRegistration(page, 0);
    await shows(page, "heater", /^Initialization required/);
    await press(page, "heater", "ok");
    await shows(page, "heater", /^Initialize connection\?/);
    await press(page, "heater", "ok");
    await shows(page, "heater", /^Initialization complete/);
    await press(page, "heater", "ok");
    await shows(page, "heater", /^New registration\nStart connecting/);
    await press(page, "heater", "ok");
    await shows(page, "heater", /^Waiting for the app/);
    const fresh = /new registration of (\S+)/.exec(await phoneAction(page, "alice", "alice register"))?.[1];
    assert.ok(fresh && fresh !== first, "Alice's new registration is a new device ID");
    await shows(page, "heater", /^Registration complete/);
    await press(page, "heater", "ok");
    await screenshot(page, "web-registered");
  });
});

test("a power cut: the panel goes off and comes back on the home screen", { skip }, async () => {
  await withPage({ meter: false, pcs: false, lock: false, printer: false }, async (page, home) => {
    // Every button says what it does (title or aria-label); a shortcut is announced as one.
    await page.locator('[data-panel="heater"] [data-button="menu"]').waitFor({ timeout: TIMEOUT });
    const unnamed = await page.$$eval("button", (bs) => bs.filter((b) => !b.title && !b.getAttribute("aria-label")).map((b) => b.outerHTML));
    assert.deepEqual(unnamed, [], "buttons without a title or aria-label");
    const shortcuts = await page.$$eval('[data-panel="heater"] [data-button]', (bs) => bs.map((b) => [b.querySelector("kbd") !== null, b.getAttribute("aria-keyshortcuts") !== null]));
    assert.ok(shortcuts.some(([kbd]) => kbd), "the heater's remote has keyboard shortcuts");
    for (const [kbd, announced] of shortcuts) assert.equal(announced, kbd, "each shortcut shown is announced (aria-keyshortcuts)");
    await press(page, "heater", "menu");
    await shows(page, "heater", /^Menu/);
    // Every state the panel is drawn in (the cut is short: it is caught as it is drawn).
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { seen: string[] }).seen = []);
      new MutationObserver((rs) => { for (const r of rs) for (const n of r.addedNodes) if (n instanceof HTMLElement && n.dataset.panel === "heater") seen.push(n.className); })
        .observe(document.querySelector('[data-view="panels"]')!, { childList: true });
    });
    const boots = new Promise<void>((resolve) => home.heater.onCall((c) => { if (c.input.call === "boot") resolve(); }));
    await page.click('[data-power="heater"]');
    await boots;
    await page.waitForSelector('[data-panel="heater"].power-on', { timeout: TIMEOUT });
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    assert.ok(seen.some((c) => c.includes("power-off")), `the panel showed the power off (${seen.join(", ")})`);
    // RAM is gone: the remote is back on its home screen, not in the menu.
    await shows(page, "heater", /^Water heater/);
    await screenshot(page, "web-after-power-cut");
  });
});

test("the meter's power plot has a point for every measurement the meter made", { skip }, async () => {
  // The clock is paused from the start: no timer fires, so the meter measures only when
  // it boots and at each press below.
  await withPage({ meter: true, pcs: false, lock: false, printer: false }, async (page, home) => {
    const meter = home.meter!.device;
    let measured = 0;
    meter.onCall((c) => { if (c.time.meter?.length) measured++; });
    await page.locator('[data-clock="pause"]', { hasText: "resume" }).waitFor({ timeout: TIMEOUT });
    await page.click('[data-tab="plots"]');
    for (let i = 0; i < 3; i++) await press(page, "meter", "down");
    const end = Date.now() + TIMEOUT;
    while (measured < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(measured, 3, "the meter measured at each press");
    await page.waitForFunction((n) => document.querySelector('[data-series="meter power"]')?.getAttribute("data-points") === String(n), measured, { timeout: TIMEOUT })
      .catch(async (e) => { throw new Error(`the plot shows ${await page.getAttribute('[data-series="meter power"]', "data-points")} points, the meter measured ${measured} times: ${(e as Error).message}`); });
    assert.equal(await page.locator('[data-series="meter power"] canvas').count(), 1, "uPlot drew the series");
    await screenshot(page, "web-plot");
  }, (home) => home.clock!.setPaused(true));
});
