// One error-code space for the board and every module (boards/ABI.md, "Results"). The
// numbers come from boards/abi/v1.json through the generated board constants.
export {
  OK, E_INVAL, E_RANGE, E_STATE, E_NOSPACE, E_NOTFOUND, E_AUTH, E_IO, E_BUSY, E_TAMPER,
  E_MALFORMED, E_LOCKED, E_UNSUPPORTED, E_TYPE,
} from "../board/constants";
