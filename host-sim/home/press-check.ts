// A `press` line names buttons on one panel; all of them are checked before the first is
// pressed, so a typo in the middle of a list presses nothing (not half the list).

/** The buttons to press, in order; throws one sentence when there is none or one is not
 *  on `panel` (the whole list is refused). */
export function buttonsToPress(names: readonly (string | undefined)[], buttons: Readonly<Record<string, number>>, panel: string, command: string): number[] {
  const known = Object.keys(buttons).join(" ");
  const given = names.filter((n): n is string => n !== undefined && n !== "");
  if (given.length === 0) throw new Error(`${command} needs at least one button of the ${panel}: ${known}`);
  const unknown = given.filter((n) => !Object.hasOwn(buttons, n));
  if (unknown.length > 0) throw new Error(`no button ${unknown.map((n) => `"${n}"`).join(", ")} on the ${panel}, nothing pressed; buttons: ${known}`);
  return given.map((n) => buttons[n]);
}
