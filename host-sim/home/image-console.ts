// The `--image` device in the home's console and terminal view: `press [<name>] <button>...`
// with the buttons its image declares (the name may be left out when the home runs no water
// heater, whose remote `press` otherwise means), and `power [<name>]`.
import type { Home } from "./world.ts";

/** The box the terminal view draws for it: its screen, then what can be pressed. */
export function imageTexts(home: Home): { title: string; text: string }[] {
  const img = home.image;
  if (!img) return [];
  const d = img.device, state = d.state.up ? "" : ", off";
  const press = img.buttons && Object.keys(img.buttons).length
    ? `press ${home.heater ? `${img.name} ` : ""}<${Object.keys(img.buttons).join("|")}>`
    : `(no buttons: ${img.buttonNote ?? "its map is empty"})`;
  return [
    { title: `${img.name} (${d.o.host}${img.serial ? `, ${img.serial}` : ""}${state})`, text: d.screen },
    { title: `${img.name}: controls`, text: `${press}\npower${home.heater ? ` ${img.name}` : ""}: power cut and restart` },
  ];
}

/** The console's answer for the image's commands, or undefined for any other. */
export async function imageCommand(home: Home, [who, verb, ...rest]: string[]): Promise<string | undefined> {
  const img = home.image;
  if (!img) return undefined;
  const named = verb === img.name;
  if (who === "power" && (named || (!verb && !home.heater))) { await img.powerCycle(); return ""; }
  if (who !== "press" || !(named || !home.heater)) return undefined;
  const names = named ? rest : [verb, ...rest].filter((b) => b !== undefined);
  const buttons = img.buttons ?? {};
  if (Object.keys(buttons).length === 0) return `${img.name} has no buttons: ${img.buttonNote ?? "its image declares none"}`;
  if (names.length === 0) return `press ${named ? `${img.name} ` : ""}<${Object.keys(buttons).join("|")}> [...]`;
  // Every name is checked before anything is pressed.
  const bad = names.filter((b) => !(b in buttons));
  if (bad.length) return `no button "${bad[0]}" on ${img.name}; buttons: ${Object.keys(buttons).join(" ")}`;
  for (const b of names) await img.device.press(buttons[b]);
  return "";
}
