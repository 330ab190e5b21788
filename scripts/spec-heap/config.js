// Heap bytes, board crypto calls and flash operations of single calls in a spec, for a
// module README's cost table. A probe (firmware/modules/*/__tests__/*.probe.ts) brackets
// each call with testing.probe_begin() and probe_end(label): this config sums the heap
// blocks allocated between them (rtrace onalloc, compiled in by asconfig.json beside this
// file) and prints them with the board calls. Times are of a debug build under rtrace.
//   npx asp --config scripts/spec-heap/config.js --as-config scripts/spec-heap/asconfig.json
import { register } from "tsx/esm/api";
register();
const { createUnitTestBoard } = await import("../../host-sim/board/unit-test-board.ts");
let bytes = 0, blocks = 0, calls = {}, t0 = 0n, ops0 = 0;
export default {
  entries: (process.env.PROBES ?? "firmware/modules/*/__tests__/*.probe.ts").split(","),
  include: [], disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    const b = createUnitTestBoard();
    let mem = null;
    const board = {};
    for (const [k, f] of Object.entries(b.board)) board[k] = (...a) => { calls[k] = (calls[k] ?? 0) + 1; return f(...a); };
    const testing = { ...b.testing,
      probe_begin: () => { bytes = 0; blocks = 0; calls = {}; ops0 = b.testing.flash_ops(); t0 = process.hrtime.bigint(); },
      probe_end: (p, n) => {
        const us = Number(process.hrtime.bigint() - t0) / 1000;
        const label = Buffer.from(new Uint8Array(mem.buffer, p, n * 2)).toString("utf16le");   // the AS string itself: nothing allocated
        const crypto = Object.entries(calls).filter(([k]) => /sha|hmac|aead|ecdsa|ecdh/.test(k)).map(([k, v]) => `${k}×${v}`).join(" ");
        console.log(`PROBE ${label}: ${bytes} B in ${blocks} blocks; flash ops ${b.testing.flash_ops() - ops0}; ${crypto}; ${us.toFixed(0)} µs`);
      },
    };
    const imports = createImports({ board, testing });
    const orig = imports.rtrace.onalloc;
    imports.rtrace.onalloc = (ptr) => { const v = new DataView(mem.buffer); bytes += (v.getUint32(ptr, true) & ~3) + 4; blocks++; return orig(ptr); };
    const result = await instantiate(binary, imports);
    const ex = result.exports ?? result.instance.exports;
    mem = ex.memory;
    b.attach(ex);
    return result;
  },
  outputBinary: false,
};
