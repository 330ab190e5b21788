// modules/secure-session: public API (README.md).
import { KeyRange } from "../../storage/keyspace";
export {
  SecureSession, SessionConfig, SessionKeys, Role, deriveKeys, commitment, shortAuthString,
  NONCE_LEN, COMMIT_LEN, PUBLIC_LEN, KEY_LEN, FRAME_OVERHEAD, DIR_INITIATOR, DIR_RESPONDER,
} from "./session";

/** Keys live in RAM only: no records. */
export const KEYS: KeyRange[] = [];
