// The remote's connection screens (seed 000, FIG. 9) for the onboarding module's steps.
// All of their text is here, in the remote's words, composed in place by the board's
// text composer (no strings built).
import { compose, Composer } from "../../board/index";
import { Onboarding, Step, Failure, Choice, MAX_BAD_FRAMES, Mode } from "../../modules/onboarding/index";


export function showOnboarding(o: Onboarding): void {
  const s = o.step;
  const c = compose();
  if (s == Step.MENU) {
    c.add("Connection");
    for (let i = 0; i < Choice.COUNT; i++) c.add(i == o.cursor ? "\n> " : "\n  ")
      .add(i == Choice.NEW ? "New registration" : i == Choice.ADDITIONAL ? "Additional registration" : i == Choice.INITIALIZE ? "Initialize" : "Factory reset");
  }
  else if (s == Step.INIT_NOTICE) c.add("Initialization required\nThis remote is still connected to a previous user's app.\nInitialize that connection first.\nOK: continue  BACK: cancel");
  else if (s == Step.INIT_CONFIRM) c.add("Initialize connection?\nThe device ID and password will be erased.\nOK: initialize  BACK: cancel");
  else if (s == Step.INIT_DONE) c.add("Initialization complete\nThe previous connection was erased.\nOK: next");
  else if (s == Step.START_CONFIRM) c.add(o.mode == Mode.NEW ? "New registration" : "Additional registration").add("\nStart connecting to the app?\nOK: start  BACK: cancel");
  else if (s == Step.WAITING) c.add("Waiting for the app\nOpen the app on a phone at home\nand choose ").add(o.mode == Mode.NEW ? "Register." : "Add this phone.").add("\nBACK: cancel");
  else if (s == Step.CODE) c.add("Check the code\n").add(o.code).add("\nDoes the app show the same code?\nOK: same  BACK: different");
  else if (s == Step.CONNECTING) c.add("Connecting to the app\nCode confirmed. Registration in progress...");
  else if (s == Step.DONE) c.add(o.mode == Mode.NEW ? "Registration complete" : "Phone added").add("\nThe app can now use this water heater.\nOK: done");
  else if (s == Step.RETIRING) c.add("Telling the cloud\nThe connection is being removed at the cloud.\nPlease wait...");
  else if (s == Step.FACTORY_CONFIRM) c.add("Factory reset?\nAll user data and the connection will be erased.\nOK: reset  BACK: cancel");
  else if (s == Step.ERROR) failureText(c.add("Error\n"), o.failure, o.failureRc).add("\nOK: back");
  c.show();
}

function failureText(c: Composer, f: i32, rc: i32): Composer {
  if (f == Failure.CODES_DIFFERENT) return c.add("The codes were different.\nNothing was changed.");
  if (f == Failure.NOTHING_TO_ADD_TO) return c.add("No existing connection to add a phone to. Choose New registration.");
  if (f == Failure.ERASE_NOT_STARTED) return c.add("The erase could not start (").num(rc).add("). Nothing was changed.");
  if (f == Failure.INITIALIZE_FAILED) return c.add("Initialization failed (").num(rc).add(")");
  if (f == Failure.FACTORY_RESET_FAILED) return c.add("Factory reset failed (").num(rc).add(")");
  if (f == Failure.NO_APP) return c.add("No app answered in time.");
  if (f == Failure.CODE_NOT_CONFIRMED) return c.add("The code was not confirmed in time. Nothing was changed.");
  if (f == Failure.APP_SILENT) return c.add("The app stopped answering. Nothing was changed.");
  if (f == Failure.APP_CODE_DIFFERENT) return c.add("The app showed a different code.\nNothing was changed.");
  if (f == Failure.NOT_STORED) return c.add("The device could not store its new credentials (").num(rc).add(").");
  if (f == Failure.TOO_MANY_REFUSED) return c.num(MAX_BAD_FRAMES).add(" refused messages: the connection was closed.\nNothing was changed.");
  return c;
}
