// Moved to core/codecs/bytes.ts (issue 7). Kept so that storage and the credential store,
// changed on other branches at the same time, still build; remove once they import codecs.
export * from "./codecs/bytes";
