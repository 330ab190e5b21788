// What a person does at the remote, as functions: each presses buttons and checks that
// the screen it lands on is the one the seed's FIG. 9 says it should be.
import type { HomeDevice } from "../../home/home-device.ts";

export const Button = { MENU: 0, UP: 1, DOWN: 2, OK: 3, BACK: 4, AUTO_BATH: 5, REHEAT: 6 } as const;
export const BUTTON_NAMES: Record<string, number> = { menu: 0, up: 1, down: 2, ok: 3, back: 4, auto: 5, reheat: 6 };

function expectScreen(remote: HomeDevice, title: RegExp, step: string): void {
  if (!title.test(remote.screen)) throw new Error(`${step}: the remote shows\n${remote.screen}`);
}

export async function press(remote: HomeDevice, ...buttons: number[]): Promise<void> {
  for (const b of buttons) await remote.press(b);
}

/** Menu -> Connection: the connection menu of FIG. 9(a). */
export async function openConnectionMenu(remote: HomeDevice): Promise<void> {
  await press(remote, Button.MENU, Button.DOWN, Button.DOWN, Button.DOWN, Button.OK);
  expectScreen(remote, /^Connection\n> New registration/, "connection menu");
}

/** Opens the LAN window for the app: new registration (through initialization when a
 *  connection exists, confirming each screen) or additional registration. */
export async function startRegistration(remote: HomeDevice, kind: "new" | "additional"): Promise<void> {
  await openConnectionMenu(remote);
  if (kind === "additional") await press(remote, Button.DOWN);
  await press(remote, Button.OK);
  if (/^Initialization required/.test(remote.screen)) {
    await press(remote, Button.OK);
    expectScreen(remote, /^Initialize connection\?/, "initialize confirmation");
    await press(remote, Button.OK);
    await untilToldCloud(remote);
    expectScreen(remote, /^Initialization complete/, "initialization");
    await press(remote, Button.OK);
  }
  expectScreen(remote, /^(New|Additional) registration\nStart connecting/, "start connecting");
  await press(remote, Button.OK);
  expectScreen(remote, /^Waiting for the app/, "waiting for the app");
}

/** The person compares the code the app shows with the remote's screen: the same code,
 *  OK on the remote and yes in the app; a different one, BACK on the remote and no in the
 *  app. A remote that shows no code gets no press, and the app gets no. */
export async function compareCodes(remote: HomeDevice, appCode: string): Promise<boolean> {
  const shown = /^Check the code\n(\d{6})\n/.exec(remote.screen)?.[1];
  if (shown === undefined) return false;
  const same = shown === appCode;
  await press(remote, same ? Button.OK : Button.BACK);
  return same;
}

/** Dismisses the "Registration complete" / "Phone added" screen. */
export async function finishRegistration(remote: HomeDevice): Promise<void> {
  expectScreen(remote, /^(Registration complete|Phone added)/, "registration result");
  await press(remote, Button.OK);
}

export async function initializeFromMenu(remote: HomeDevice): Promise<void> {
  await openConnectionMenu(remote);
  await press(remote, Button.DOWN, Button.DOWN, Button.OK);
  if (/^Initialize connection\?/.test(remote.screen)) await press(remote, Button.OK);
  await untilToldCloud(remote);
  expectScreen(remote, /^Initialization complete/, "initialization");
  await press(remote, Button.OK);
}

/** Connection menu -> Factory reset -> OK; back on the home screen afterwards. */
export async function factoryResetFromMenu(remote: HomeDevice): Promise<void> {
  await openConnectionMenu(remote);
  await press(remote, Button.DOWN, Button.DOWN, Button.DOWN, Button.OK);
  expectScreen(remote, /^Factory reset\?/, "factory reset confirmation");
  await press(remote, Button.OK);
  await untilToldCloud(remote);
  expectScreen(remote, /^Initialization complete/, "factory reset");
  await press(remote, Button.OK);
}

/** An erase while online first tells the cloud ("Telling the cloud"), until the cloud
 *  answers or the remote gives up waiting (10 s of its time). */
export async function untilToldCloud(remote: HomeDevice, timeoutMs = 30000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (/^Telling the cloud/.test(remote.screen)) {
    if (Date.now() > until) throw new Error(`the remote is still telling the cloud:\n${remote.screen}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the remote shows it is connected to the cloud. */
export async function waitForCloud(remote: HomeDevice, timeoutMs = 10000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!/Cloud: connected/.test(remote.screen)) {
    if (Date.now() > until) throw new Error(`the remote did not reach the cloud:\n${remote.screen}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whatever the remote shows, gets back to its home screen as a person would. */
export async function backToHome(remote: HomeDevice): Promise<void> {
  for (let i = 0; i < 6 && !/^Water heater/.test(remote.screen); i++) {
    await press(remote, /^(Error|Registration complete|Phone added|Initialization complete)/.test(remote.screen) ? Button.OK : Button.BACK);
  }
  expectScreen(remote, /^Water heater/, "home screen");
}
