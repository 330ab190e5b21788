// Unit tests of firmware modules (firmware/**/__tests__/*.spec.ts). Each spec file runs on
// a new TypeScript board (host-sim/board/unit-test-board.ts: the full ABI, node's crypto,
// fresh in-memory flash) plus the test-only `testing` imports; whole images are tested on
// the real hosts by the node:test suites in test/. tsx is registered here so that this
// config, loaded by plain node through `asp`, can import the board's TypeScript.
import { register } from "tsx/esm/api";

register();
const { createUnitTestBoard } = await import("./host-sim/board/unit-test-board.ts");

export default {
  entries: ["firmware/**/__tests__/**/*.spec.ts"],
  include: [],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    const b = createUnitTestBoard();
    const result = await instantiate(binary, createImports({ board: b.board, testing: b.testing }));
    b.attach(result.exports ?? result.instance.exports);
    return result;
  },
  outputBinary: false,
};
