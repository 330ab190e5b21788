// What the maker's app tells its user about a result code from the water heater's remote
// (the board ABI's error codes, boards/ABI.md, as the remote's LAN ERROR / STORED /
// ADDED_ACK frames and command replies carry them: firmware/images/water-heater/
// PROTOCOL.md §1, §2): one sentence each, in one place, so that no screen or console line
// shows a bare "status -3".

/** The ABI's names of the codes (boards/ABI.md, "Error codes"). */
export const RESULT_NAMES: Readonly<Record<number, string>> = {
  0: "OK", [-1]: "E_INVAL", [-2]: "E_RANGE", [-3]: "E_STATE", [-4]: "E_NOSPACE", [-5]: "E_NOTFOUND",
  [-6]: "E_AUTH", [-7]: "E_IO", [-8]: "E_BUSY", [-9]: "E_TAMPER", [-10]: "E_MALFORMED",
  [-11]: "E_LOCKED", [-12]: "E_UNSUPPORTED", [-13]: "E_TYPE",
};

const named = (status: number) => `${status}${RESULT_NAMES[status] ? ` ${RESULT_NAMES[status]}` : ""}`;

/** Why the remote refused the app's registration frame (its ERROR, or a STORED /
 *  ADDED_ACK that is not OK): `appliance` is what the app calls it ("water heater"). */
export function registrationRefusal(status: number, appliance = "appliance"): string {
  const why: Record<number, string> = {
    [-3]: `the ${appliance} is not waiting for an app: start a registration at its remote first (Menu, Connection, New or Additional registration, Start connecting), then register again`,
    [-11]: `the ${appliance} closed its registration window after 5 refused messages and changed nothing: start the registration again at its remote`,
    [-6]: `the ${appliance} could not verify the app's message and changed nothing: start the registration again`,
    [-10]: `the ${appliance} could not read the app's message and changed nothing`,
    [-1]: `the ${appliance} did not accept what the app sent and changed nothing`,
    [-2]: `the app's message was too long for the ${appliance} and changed nothing`,
    [-4]: `the ${appliance}'s storage is full: the registration was not stored`,
    [-7]: `the ${appliance}'s storage failed: the registration was not stored`,
    [-9]: `the ${appliance}'s stored data failed its integrity check: the registration was not stored`,
    [-8]: `the ${appliance} is busy: try again in a moment`,
  };
  return `${why[status] ?? `the ${appliance} refused the registration`} (status ${named(status)})`;
}

/** What a command's reply status means for the user (null: no reply yet). */
export function commandOutcome(status: number | null): string {
  if (status === null) return "no answer from the appliance yet (it is offline or busy; the cloud keeps the command for 10 minutes)";
  if (status === 0) return "done";
  const why: Record<number, string> = {
    [-3]: "not applied: a newer command was already applied",
    [-1]: "refused: a value out of range",
    [-2]: "refused: a value too long",
    [-10]: "refused: the command could not be read",
    [-4]: "not saved: the appliance's storage is full (nothing changed)",
    [-7]: "not saved: the appliance's storage failed (nothing changed)",
  };
  return `${why[status] ?? "refused"} (status ${named(status)})`;
}
