// The web page's figures for issue 13's closing note, part of `npm run bench`; alone:
//
//   npx tsx scripts/bench/page.ts [loads]
//
// The whole home (water heater, printer, meter, power conditioner, lock) on the TypeScript
// host with its page on a free port, opened in Debian's headless chromium (playwright-core).
// Load time: from navigation until every appliance's panel shows its screen and the
// WebSocket is live, `loads` times (default 5) in a fresh tab, median and worst. Memory:
// chromium's JS heap and DOM nodes (CDP Performance.getMetrics) right after a load and
// again after the water heater's three registration flows (demo) have filled the flow,
// console and plots; the home's own node process (RSS) beside them. Wall times on this
// shared machine move from run to run; the heap and node counts do not move much.
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchHeadless, CHROMIUM } from "../../test/support/browser.ts";
import { Home } from "../../host-sim/home/world.ts";
import { startWebServer } from "../../host-sim/web/server.ts";
import { playDemo } from "../../host-sim/appliances/water-heater/demo.ts";

const PANELS = ["heater", "printer", "meter", "pcs", "lock"];

interface Metrics { heapMiB: number; nodes: number }

async function metrics(page: Page): Promise<Metrics> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  // A collection first, so the figure is what the page keeps, not its garbage.
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics: m } = await cdp.send("Performance.getMetrics");
  const get = (n: string) => m.find((x) => x.name === n)?.value ?? NaN;
  return { heapMiB: get("JSHeapUsedSize") / 2 ** 20, nodes: get("Nodes") };
}

async function load(page: Page, url: string): Promise<number> {
  const t0 = performance.now();
  await page.goto(url);
  await page.locator("#link-state", { hasText: "live" }).waitFor();
  for (const d of PANELS) await page.locator(`[data-screen="${d}"]`).waitFor();
  return performance.now() - t0;
}

export async function pageBench(loads = 5): Promise<string> {
  if (!existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: apt-get install chromium (node scripts/setup.mjs does it)`);
  const dir = mkdtempSync(join(tmpdir(), "bench-page-"));
  const home = new Home({ dataDir: join(dir, "data"), broker: "embedded", heaterHost: "ts", fresh: true, seeded: true, printer: true, meter: true, pcs: true, lock: true });
  const rss0 = process.memoryUsage().rss;
  await home.start();
  const web = await startWebServer(home, { port: 0 });
  const browser = await launchHeadless(join(dir, "profile"));
  try {
    const times: number[] = [];
    let page = browser.pages()[0] ?? await browser.newPage();
    for (let i = 0; i < loads; i++) {
      if (i > 0) { await page.close(); page = await browser.newPage(); }
      times.push(await load(page, web.url));
    }
    const fresh = await metrics(page);
    await playDemo(home, () => undefined);
    // The page has drawn what the demo made once the last flow message is on it.
    const last = home.flowLog.messages.at(-1)?.id ?? 0;
    await page.locator(`[data-flow-id="${last}"]`).waitFor({ state: "attached" });
    const after = await metrics(page);
    const rss = process.memoryUsage().rss;
    times.sort((a, b) => a - b);
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    return [
      "Web page (scripts/bench/page.ts; headless chromium, 1366x900, the whole home on the TypeScript host):",
      `  load until every panel is live: median ${ms(times[Math.floor(times.length / 2)])}, worst ${ms(times[times.length - 1])} over ${loads} loads`,
      `  page after a load: JS heap ${fresh.heapMiB.toFixed(1)} MiB, ${fresh.nodes} DOM nodes`,
      `  page after the water heater's three registrations (${home.flowLog.messages.length} flow messages): JS heap ${after.heapMiB.toFixed(1)} MiB, ${after.nodes} DOM nodes`,
      `  the home's node process: RSS ${(rss / 2 ** 20).toFixed(0)} MiB (${((rss - rss0) / 2 ** 20).toFixed(0)} MiB more than before the home started)`,
    ].join("\n");
  } finally {
    await browser.close().catch(() => undefined);
    await web.close();
    await home.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await pageBench(Number(process.argv[2] ?? 5)));
  process.exit(0);
}
