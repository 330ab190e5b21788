// modules/onboarding: public API (README.md).
import { KeyRange, ResetClass } from "../../storage/keyspace";
export { EraseMenu, EraseListener, Step, Key, Choice, Failure, WINDOW_DEADLINE, RETIRE_WAIT_MS } from "./erase-menu";
export { Onboarding, WINDOW_MS, HANDSHAKE_MS, MAX_BAD_FRAMES } from "./onboarding";
export { Msg, Mode } from "./messages";

/** The registration itself (device ID, password, erase intent), kept by the credential
 *  store: a new registration or an initialization starts afresh. */
export const KEYS: KeyRange[] = [new KeyRange("onboarding", 0x0200, 0x0202, ResetClass.INITIALIZATION)];
