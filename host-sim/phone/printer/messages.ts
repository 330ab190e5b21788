// The printer's local messages as its phone apps speak them (the
// printer image's PROTOCOL.md): frame types, the names and ids in its tap answer, and the
// public types of every answer a phone reads. Builders and parsers live in session.ts.

export const PrinterMsg = {
  // handshake (plain), as the water heater's
  HELLO: 0x01, NONCE_REQUEST: 0x04, NONCE: 0x84,
  // phone -> printer (sealed)
  ROUTER: 0x10, PT_REQUEST: 0x11, PT_DELETE: 0x12, REGISTER: 0x13, STATUS: 0x14, SVWT_GET: 0x15, CHARGE: 0x16, PRINT: 0x17,
  // printer -> phone (sealed, but ERROR)
  HELLO_REPLY: 0x81, REPLY: 0x82, ROUTER_RESULT: 0x90, PT: 0x91, STATUS_REPLY: 0x94, SVWT: 0x95, CHARGE_ACK: 0x96, PRINTED: 0x97,
  ERROR: 0xff,
} as const;

/** Each frame type's name, for the home's message flow (sealed ones say so: their bytes are not shown). */
export const PRINTER_FRAME_NAMES: Readonly<Record<number, string>> = {
  0x01: "HELLO", 0x04: "NONCE_REQUEST", 0x84: "NONCE",
  0x10: "ROUTER (sealed)", 0x11: "PT_REQUEST (sealed)", 0x12: "PT_DELETE (sealed)", 0x13: "REGISTER (sealed)",
  0x14: "STATUS (sealed)", 0x15: "SVWT_GET (sealed)", 0x16: "CHARGE (sealed)", 0x17: "PRINT (sealed)",
  0x81: "HELLO_REPLY (sealed)", 0x82: "REPLY (sealed)", 0x90: "ROUTER_RESULT (sealed)", 0x91: "PT (sealed)",
  0x94: "STATUS_REPLY (sealed)", 0x95: "SVWT (sealed)", 0x96: "CHARGE_ACK (sealed)", 0x97: "PRINTED (sealed)", 0xff: "ERROR",
};

/** BLE frames (PROTOCOL.md §1): the phone asks for the handover, the printer answers it. */
export const BleMsg = { READ_HANDOVER: 0x01, HANDOVER: 0x81, ERROR: 0xff } as const;

/** Session labels of modules/secure-session; a Wi-Fi Direct session binds the link too. */
export const WFD_LABEL = "printer-wfd-v1";
export const LAN_LABEL = "printer-lan-v1";

export const PWT_LEN = 8;
export const PT_LEN = 32;
export const PHONE_ID_LEN = 32;
export const MIN_CWT = 16, MAX_CWT = 64;
export const MAX_PRINT_PAGES = 500;

/** NFC Forum external types and app ids in the printer's tap answer. */
export const PWT_RECORD = "printer.example:pwt";
export const SVWT_RECORD = "printer.example:svwt";
export const MANAGE_APP = "com.example.printer.manage";
export const PRINT_APP = "com.example.printer.print";
export const RECHARGE_URI = "https://cloud.example/printer/recharge";
export const EXCHANGE_URI = "https://cloud.example/printer/exchange";

/** HELLO_REPLY's state byte. */
export const PrinterState = { UNCONFIGURED: 0, ON_ROUTER: 1, REGISTERED: 2 } as const;

/** ROUTER_RESULT's status: joined, wrong key (send ROUTER again), no such network, busy. */
export const RouterStatus = { JOINED: 0, WRONG_KEY: -6, NO_NETWORK: -5, BUSY: -3 } as const;

/** PRINTED's status besides 0: not enough pages, the balance unchanged. */
export const PRINT_SHORT = 3;
/** SVWT's status while the printer has none yet (it asks the cloud; poll again). */
export const SVWT_NOT_YET = -5;

export interface HelloReply { state: number; serial: string }
export interface StatusReply { status: number; registered: boolean; pages: number; ink: number; svwtHeld: boolean }
export interface PrintedReply { status: number; pagesLeft: number }
export interface PtReply { status: number; pt?: Buffer }
export interface SvwtReply { status: number; svwt?: Buffer }

/** What a tap (NFC read, or BLE READ_HANDOVER in the CONNECT window) told the phone
 *  (PROTOCOL.md §1): which app the printer asks for and what it handed over. */
export interface TapAnswer {
  /** setup: not registered (group + PWT, management app); print: ready (group + PWT,
   *  print app); recharge / exchange: pages or ink low (SVWT when held, PWT, URI,
   *  management app; no group: a PT is asked for over the LAN). */
  kind: "setup" | "print" | "recharge" | "exchange";
  app: string;
  group?: { ssid: Buffer; passphrase: Buffer };
  pwt?: Buffer;
  svwt?: Buffer;
  uri?: string;
}
