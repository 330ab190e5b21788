// One shared empty byte string for fields that are not set: an empty array cannot be
// written into, so sharing it is safe, and a result object costs no allocation per field.
export const NO_BYTES = new Uint8Array(0);
