// core/codecs: every byte format the firmware reads or writes, in one place. Each decoder
// is bounded and says what was wrong with an error code (core/errors.ts).
export * from "./bytes";
export * from "./fields";
export * from "./flat-json";
export * from "./tlv";
export * from "./ndef";
export * from "./service-frame";
export * from "./base64";
