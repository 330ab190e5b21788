// A test that needs something outside node_modules (Mosquitto, the posix boards) never
// skips silently: without it, the test is skipped with a line saying what is missing and
// how to get it, except under CI (CI=true), where the missing part is a failure.
import { test } from "node:test";
import assert from "node:assert/strict";

/** The `skip` option for tests needing `what`: false when present. Under CI a missing
 *  requirement is not skipped: a test named after it fails, and so do the tests. */
export function requirement(what: string, present: boolean, howTo: string): string | false {
  if (present) return false;
  if (process.env.CI) {
    test(`requirement: ${what}`, () => assert.fail(`${what} is missing under CI: ${howTo}`));
    return false;
  }
  const why = `${what} is missing (${howTo})`;
  process.stdout.write(`# skip: ${why}\n`);
  return why;
}
