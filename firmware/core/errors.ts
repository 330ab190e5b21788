// One error-code space for the board and every module (boards/ABI.md, "Results").
export const OK: i32 = 0;
export const E_INVAL: i32 = -1;
export const E_RANGE: i32 = -2;
export const E_STATE: i32 = -3;
export const E_NOSPACE: i32 = -4;
export const E_NOTFOUND: i32 = -5;
export const E_AUTH: i32 = -6;
export const E_IO: i32 = -7;
export const E_BUSY: i32 = -8;
export const E_TAMPER: i32 = -9;
export const E_MALFORMED: i32 = -10;
export const E_LOCKED: i32 = -11;
export const E_UNSUPPORTED: i32 = -12;
export const E_TYPE: i32 = -13;
