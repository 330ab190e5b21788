// Result codes of boards/ABI.md ("Results"), as the host returns them to the image.
export const OK = 0;
export const E_INVAL = -1;
export const E_RANGE = -2;
export const E_STATE = -3;
export const E_AUTH = -6;
export const E_NOTFOUND = -5;
