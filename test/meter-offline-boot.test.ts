// A meter offline for days, with the power cut every 7 h, must still boot and then deliver
// what it measured (rule 7). A boot runs in one fw_boot call, where nothing collects
// (firmware/board/heap.ts): an earlier build's boot allocated more with every hour
// offline until, ~42 h in, it trapped in the allocator at every boot, a boot loop that
// delivered nothing. Driven by scripts/bench/meter-boot-heap.ts (the head-end and the load,
// no broker) on the TypeScript board, where the heap is watched, and on the posix board.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { HostName } from "../host-sim/device/power-on.ts";
import { offlineMeter } from "../scripts/bench/meter-boot-heap.ts";
import { requirement } from "./support/requirement.ts";

const posixMissing = requirement("the posix meter board (build/posix/meter)", existsSync("build/posix/meter"), "npm run build");
const WEEK_H = 7 * 24;
/** Free arena a boot must leave: growth in what a boot does shows here, not as a boot loop. */
const BOOT_MARGIN = 8192;

for (const host of ["ts", "posix"] as HostName[]) {
  test(`${host}: a week offline with a power cut every 7 h, the meter boots each time and then delivers every reading once`, { skip: host === "posix" && posixMissing }, async () => {
    const r = await offlineMeter(host, WEEK_H);
    assert.equal(r.panic, null);
    assert.equal(r.boots, 1 + WEEK_H / 7);
    // 48 readings a day from the confirmation on: rseq 1..336, none missing, none twice.
    const sorted = [...r.rseqs].sort((a, b) => a - b);
    assert.deepEqual(sorted, Array.from({ length: 7 * 48 }, (_, i) => i + 1));
    assert.equal(r.newestReadingT, r.newestBoundary);
    assert.equal(r.acked, r.lastSeq);
  });
}

test("ts: what a boot allocates stops growing with the time offline, well inside the arena", async () => {
  // Two companies, so two readings a slot: the log and the outbox are full within days.
  const twoWeeks = await offlineMeter("ts", 2 * WEEK_H, true);
  const month = await offlineMeter("ts", 30 * 24, true);
  for (const r of [twoWeeks, month]) {
    assert.equal(r.panic, null);
    assert.ok(r.maxBootAllocated! <= r.arena! - BOOT_MARGIN, `a boot allocated ${r.maxBootAllocated} of a ${r.arena}-byte arena`);
    // Caught up: the newest reading arrived, and what arrived came in rseq order, once each
    // (the oldest, pushed out of a full log, are lost and counted by the metering module).
    assert.equal(r.newestReadingT, r.newestBoundary);
    for (const got of [r.rseqs, r.provisionRseqs]) {
      assert.ok(got.length > 0);
      assert.deepEqual(got, Array.from({ length: got.length }, (_, i) => got[0] + i));
    }
  }
  // Full log, full outbox: two more weeks offline make a boot no bigger.
  assert.ok(month.maxBootAllocated! <= twoWeeks.maxBootAllocated!, `${month.maxBootAllocated} after 30 days, ${twoWeeks.maxBootAllocated} after 14`);
});
