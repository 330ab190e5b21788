// The cloud's one command for the PCS (PROTOCOL.md §4.2): `{"cmd":n,"auth":"<base64>"}`,
// authentication information a server made, relayed by the cloud. Its identity is its
// signature (auth-info checks it), never the relay or a field. It is stored in stage(),
// before the replay floor commits: a power cut between the two has the cloud send it
// again, which is then refused as replayed (its serial is at the floor) and changes
// nothing; a refusal commits no floor (rule 4) and is answered with its status.
import { OK, E_MALFORMED } from "../../core/errors";
import { FlatJson } from "../../core/codecs/flat-json";
import { fromBase64 } from "../../core/codecs/base64";
import { Via } from "../../modules/auth-info/index";
import { PowerConditioner } from "./pcs";

/** The longest authentication information (§2.1: 27 fixed, a 32-byte device, salt,
 *  verifier, signature). */
export const MAX_AUTH_BYTES: i32 = 27 + 32 + 16 + 32 + 64;

/** OK for a command this image knows; E_MALFORMED otherwise. Changes nothing. */
export function checkCommand(j: FlatJson): i32 {
  const s = j.string("auth");
  return s !== null && fromBase64(s, MAX_AUTH_BYTES) !== null ? OK : E_MALFORMED;
}

/** Stores the authentication information: OK, or auth-info's refusal (E_MALFORMED,
 *  E_AUTH, E_STATE), which is the command's status. */
export function stageCommand(p: PowerConditioner, j: FlatJson): i32 {
  const blob = fromBase64(j.string("auth")!, MAX_AUTH_BYTES);
  if (blob === null) return E_MALFORMED;
  return p.auth.receive(blob, Via.CLOUD);
}
