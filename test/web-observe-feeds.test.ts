// The page's flow, console and flash feeds on a live home (no browser): what a page gets
// when it connects, what is pushed as the home runs, and the flash view on request.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ServerMessage, FlashView, ConsoleLine, FlowMessage } from "../host-sim/web/messages.ts";
import { flowFeed } from "../host-sim/web/feeds/flow.ts";
import { consoleFeed } from "../host-sim/web/feeds/console.ts";
import { flashFeed } from "../host-sim/web/feeds/flash.ts";
import { bobRegistered, withHome } from "./support/home.ts";

test("the flow, console and flash feeds follow a registration", async () => {
  await withHome("embedded", async (home) => {
    const pushed: ServerMessage[] = [];
    const feeds = [flowFeed(home), consoleFeed(home), flashFeed(home)];
    for (const f of feeds) f.attach((m) => pushed.push(m));
    const initial = feeds.flatMap((f) => f.initial());
    // A page that connects now sees the boot: the heater's first console lines and flow.
    const bootLines = initial.flatMap((m) => m.t === "console" ? m.lines : []);
    assert.ok(bootLines.some((l) => l.device === "heater"), "the heater's boot log");
    assert.ok(initial.some((m) => m.t === "flow"));

    // The flash view on request, then pushed again after the registration wrote it.
    const flash = feeds[2];
    const reply = await flash.handle!({ t: "flash", id: 1, device: "heater" });
    assert.match(reply!.text, /^\d+ records on \d+ pages$/);
    const first = pushed.filter((m): m is Extract<ServerMessage, { t: "flash" }> => m.t === "flash").map((m) => m.view);
    assert.equal(first.length, 1);
    assert.ok(!first[0].records.some((r) => r.name === "onboarding.registration" && r.state === "live"), "not registered yet");
    pushed.length = 0;

    await bobRegistered(home);
    await new Promise((r) => setImmediate(r));
    const views: FlashView[] = pushed.flatMap((m) => m.t === "flash" ? [m.view] : []);
    assert.ok(views.length >= 1, "a flash view pushed after the writes");
    const reg = views.at(-1)!.records.find((r) => r.name === "onboarding.registration" && r.state === "live");
    assert.equal(reg?.value, "•••");
    const lines: ConsoleLine[] = pushed.flatMap((m) => m.t === "console" ? m.lines : []);
    assert.ok(lines.some((l) => l.device === "heater" && /registered as/.test(l.text)), "the heater's log of its registration");
    const flow: FlowMessage[] = pushed.flatMap((m) => m.t === "flow" ? [m.message] : []);
    assert.ok(flow.some((m) => m.from === "bob" && m.to === "heater" && m.protocol === "LAN"));

    assert.deepEqual(await flash.handle!({ t: "flash", id: 2, device: "toaster" }), { text: 'no device "toaster" (heater)', error: true });
    assert.equal(await feeds[0].handle?.({ t: "flash", id: 3, device: "heater" }), undefined, "not the flow feed's action");
    const ring = await feeds[1].handle!({ t: "console", id: 4, device: "heater" });
    assert.match(ring!.text, /^\d+ lines of heater$/);
  });
});
