// Onboarding message types on the local link (water-heater PROTOCOL.md §1). The field
// codecs are core/codecs/fields.ts.

export namespace Msg {
  export const HELLO: u8 = 0x01;
  export const CREDENTIALS: u8 = 0x02;
  export const ADDED: u8 = 0x03;
  export const NONCE_REQUEST: u8 = 0x04;
  export const ABORT: u8 = 0x05;
  export const HELLO_REPLY: u8 = 0x81;
  export const STORED: u8 = 0x82;
  export const ADDED_ACK: u8 = 0x83;
  export const NONCE: u8 = 0x84;
  export const ERROR: u8 = 0xff;
}

export namespace Mode {
  export const NEW: u8 = 1;
  export const ADDITIONAL: u8 = 2;
}
