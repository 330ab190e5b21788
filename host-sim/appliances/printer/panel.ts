// What a person does at the printer itself (firmware/images/printer/README.md): its panel buttons, and reading
// its screen.
import type { HomeDevice } from "../../home/home-device.ts";

export const PRINTER_SERIAL = "PR-0001";

/** Panel buttons by the names the home's `press printer <button>` takes. */
export const PANEL_BUTTONS = { menu: 0, up: 1, down: 2, ok: 3, back: 4, connect: 5, ink: 6 } as const;

/** CONNECT: the BLE window opens for 60 s (the user stands at the printer). */
export const pressConnect = (printer: HomeDevice) => printer.press(PANEL_BUTTONS.connect);

/** REPLACE_INK: a new cartridge, ink back to 100 %. */
export const replaceInk = (printer: HomeDevice) => printer.press(PANEL_BUTTONS.ink);
