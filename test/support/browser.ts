// The page's tests drive Debian's chromium with playwright-core (nothing downloads a
// browser): a home in this process with its page on a free port, a fresh browser profile
// per test, and screenshots kept under test-artifacts/ (git-ignored).
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { Home, type HomeOptions } from "../../host-sim/home/world.ts";
import { startWebServer } from "../../host-sim/web/server.ts";
import { brokerKindFromEnv } from "../../host-sim/net/broker.ts";
import { requirement } from "./requirement.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing = requirement("chromium", existsSync(CHROMIUM), "apt-get install chromium (node scripts/setup.mjs does it)");
export const ARTIFACTS = join(process.cwd(), "test-artifacts");

/** Debian's chromium, headless, on a fresh profile; the flags keep it off this machine's
 *  closed network (no background connections, no component updates). */
export function launchHeadless(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1366, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh home (its own data folder under the test's temp dir) with its page open in a
 *  headless chromium; both stop whatever happens. `beforeStart` sees the home before it
 *  starts (to pause its clock, to follow its devices from their first call). */
export async function withPage(options: Partial<HomeOptions>, fn: (page: Page, home: Home) => Promise<void>, beforeStart?: (home: Home) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "web-home-"));
  const home = new Home({ dataDir: join(dir, "data"), broker: brokerKindFromEnv(), heaterHost: "ts", fresh: true, seeded: true, ...options });
  beforeStart?.(home);
  await home.start();
  const web = await startWebServer(home, { port: 0 });
  const browser = await launchHeadless(join(dir, "profile"));
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(web.url);
    await page.locator("#link-state", { hasText: "live" }).waitFor();
    await fn(page, home);
    if (errors.length) throw new Error(`the page threw: ${errors.join("; ")}`);
  } finally {
    await browser.close().catch(() => undefined);
    await web.close();
    await home.stop();
  }
}

/** Saves a full-page screenshot as test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
