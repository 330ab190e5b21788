// Unit tests of firmware modules (firmware/**/__tests__/*.spec.ts). Each module runs
// against the in-memory test board in scripts/test-board.js; whole images are tested on
// the real hosts by the node:test suites in test/.
import { createTestBoard } from "./scripts/test-board.js";

export default {
  entries: ["firmware/**/__tests__/**/*.spec.ts"],
  include: [],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    const board = createTestBoard();
    const result = await instantiate(binary, createImports({ board: board.imports, testing: board.testing }));
    board.attach(result.exports ?? result.instance.exports);
    return result;
  },
  outputBinary: false,
};
