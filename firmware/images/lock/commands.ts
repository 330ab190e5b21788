// The key server's two commands for the lock (PROTOCOL.md §3.3): `{"cmd":n,"time":…}` and
// `{"cmd":n,"revocations":…}`, each a blob the maker key signed (modules/grants checks
// it: its identity is its signature, never the relay or a field). The blob is taken in
// stage(), before the replay floor commits; a refusal commits no floor and is the
// command's status (E_MALFORMED, E_AUTH; E_STATE for a revocation list not newer).
import { OK, E_MALFORMED, E_STATE } from "../../core/errors";
import { FlatJson } from "../../core/codecs/flat-json";
import { fromBase64 } from "../../core/codecs/base64";
import { Grants } from "../../modules/grants/index";

/** §1.2: magic and version 3, serial 33, nonce 16, time 8, signature 64. */
export const MAX_TIME_BYTES: i32 = 3 + 33 + 16 + 8 + 64;
/** §1.3: magic and version 3, serial 33, version 4, count 1, 32 ids, signature 64. */
export const MAX_REVOCATION_BYTES: i32 = 3 + 33 + 4 + 1 + 32 * 4 + 64;

/** OK for a command this image knows with a blob that decodes; E_MALFORMED otherwise.
 *  Changes nothing. */
export function checkCommand(j: FlatJson): i32 {
  const t = j.string("time"), r = j.string("revocations");
  if ((t === null) == (r === null)) return E_MALFORMED;
  const blob = t !== null ? fromBase64(t, MAX_TIME_BYTES) : fromBase64(r!, MAX_REVOCATION_BYTES);
  return blob !== null ? OK : E_MALFORMED;
}

/** Hands the blob to grants: its status is the command's. */
export function stageCommand(grants: Grants | null, j: FlatJson): i32 {
  if (grants === null) return E_STATE;
  const t = j.string("time");
  if (t !== null) {
    const blob = fromBase64(t, MAX_TIME_BYTES);
    return blob === null ? E_MALFORMED : grants.clock.receive(blob);
  }
  const blob = fromBase64(j.string("revocations")!, MAX_REVOCATION_BYTES);
  return blob === null ? E_MALFORMED : grants.receiveRevocations(blob);
}
