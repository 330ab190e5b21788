// The remote's connection screens (seed 000, FIG. 9) for the onboarding module's steps.
// All of their text is here, in the remote's words.
import { Onboarding, Step, Failure, Choice, MAX_BAD_FRAMES, Mode } from "../../modules/onboarding/index";

const MENU_ITEMS: string[] = ["New registration", "Additional registration", "Initialize", "Factory reset"];

export function onboardingScreen(o: Onboarding): string {
  const s = o.step;
  if (s == Step.MENU) {
    let t = "Connection";
    for (let i = 0; i < Choice.COUNT; i++) t += "\n" + (i == o.cursor ? "> " : "  ") + MENU_ITEMS[i];
    return t;
  }
  if (s == Step.INIT_NOTICE) return "Initialization required\nThis remote is still connected to a previous user's app.\nInitialize that connection first.\nOK: continue  BACK: cancel";
  if (s == Step.INIT_CONFIRM) return "Initialize connection?\nThe device ID and password will be erased.\nOK: initialize  BACK: cancel";
  if (s == Step.INIT_DONE) return "Initialization complete\nThe previous connection was erased.\nOK: next";
  if (s == Step.START_CONFIRM) return (o.mode == Mode.NEW ? "New registration" : "Additional registration") + "\nStart connecting to the app?\nOK: start  BACK: cancel";
  if (s == Step.WAITING) return "Waiting for the app\nOpen the app on a phone at home\nand choose " + (o.mode == Mode.NEW ? "Register." : "Add this phone.") + "\nBACK: cancel";
  if (s == Step.CODE) return "Check the code\n" + o.code + "\nDoes the app show the same code?\nOK: same  BACK: different";
  if (s == Step.CONNECTING) return "Connecting to the app\nCode confirmed. Registration in progress...";
  if (s == Step.DONE) return (o.mode == Mode.NEW ? "Registration complete" : "Phone added") + "\nThe app can now use this water heater.\nOK: done";
  if (s == Step.RETIRING) return "Telling the cloud\nThe connection is being removed at the cloud.\nPlease wait...";
  if (s == Step.FACTORY_CONFIRM) return "Factory reset?\nAll user data and the connection will be erased.\nOK: reset  BACK: cancel";
  if (s == Step.ERROR) return "Error\n" + failureText(o.failure, o.failureRc) + "\nOK: back";
  return "";
}

function failureText(f: i32, rc: i32): string {
  if (f == Failure.CODES_DIFFERENT) return "The codes were different.\nNothing was changed.";
  if (f == Failure.NOTHING_TO_ADD_TO) return "No existing connection to add a phone to. Choose New registration.";
  if (f == Failure.ERASE_NOT_STARTED) return "The erase could not start (" + rc.toString() + "). Nothing was changed.";
  if (f == Failure.INITIALIZE_FAILED) return "Initialization failed (" + rc.toString() + ")";
  if (f == Failure.FACTORY_RESET_FAILED) return "Factory reset failed (" + rc.toString() + ")";
  if (f == Failure.NO_APP) return "No app answered in time.";
  if (f == Failure.CODE_NOT_CONFIRMED) return "The code was not confirmed in time. Nothing was changed.";
  if (f == Failure.APP_SILENT) return "The app stopped answering. Nothing was changed.";
  if (f == Failure.APP_CODE_DIFFERENT) return "The app showed a different code.\nNothing was changed.";
  if (f == Failure.NOT_STORED) return "The device could not store its new credentials (" + rc.toString() + ").";
  if (f == Failure.TOO_MANY_REFUSED) return MAX_BAD_FRAMES.toString() + " refused messages: the connection was closed.\nNothing was changed.";
  return "";
}
