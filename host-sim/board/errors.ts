// Result codes of boards/ABI.md ("Results"), as the host returns them to the image; the
// numbers are generated from boards/abi/v1.json.
export {
  OK, E_INVAL, E_RANGE, E_STATE, E_NOSPACE, E_NOTFOUND, E_AUTH, E_IO, E_BUSY, E_TAMPER,
  E_MALFORMED, E_LOCKED, E_UNSUPPORTED, E_TYPE, RESULT_NAMES,
} from "./abi-constants.ts";
