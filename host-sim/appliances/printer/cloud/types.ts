// Wire shapes of the printer's part of the cloud (firmware/images/printer/PROTOCOL.md §3, §4; the
// printer's PROTOCOL.md), shared by the cloud, the phone's PrinterCloudClient and tests.
// Tokens travel as base64: standard with padding on MQTT, base64url (no padding) for the
// SVT, which only phones see.

// ---------------------------------------------------------------- MQTT (§4)

/** devices/<id>/up/svwt: the printer asks for a SVWT (S43/S69), presenting its ST. Live. */
export interface SvwtRequestPayload { st: string }
/** devices/<id>/up/charge: the printer redeems a CWT (S101), presenting its ST. Live. */
export interface ChargeRequestPayload { st: string; cwt: string }

/** devices/<id>/up/state after every change and every connect (S55). */
export interface PrinterStatePayload { pages: number; ink: number; registered: 0 | 1 }

/** up/history outbox entry: the prepaid counter's mirror after every change and connect. */
export interface MirrorEntry {
  seq: number; kind: "mirror";
  version: number; balance: number; free: number; paid: number; debited: number; floor: number; high: number;
}
/** up/history outbox entry: ink fell below 15 %, or a cartridge was replaced. */
export interface InkEntry { seq: number; kind: "ink"; level: number }
/** up/history outbox entry: one print job. */
export interface PrintedEntry { seq: number; kind: "printed"; pages: number }
export type PrinterHistoryEntry = MirrorEntry | InkEntry | PrintedEntry;

/** Charge kinds as they travel in the charge command. */
export const CHARGE_FREE = 1, CHARGE_PAID = 2;
export type ChargeKindCode = typeof CHARGE_FREE | typeof CHARGE_PAID;

/** devices/<id>/down commands of the printer (every one also carries `cmd`). */
export interface StoreStCommand { cmd: number; st: string }
export interface StoreSvwtCommand { cmd: number; svwt: string }
export interface SvwtExchangedCommand { cmd: number; exchanged: string }
export interface ChargeCommand { cmd: number; charge: number; pages: number; kind: ChargeKindCode; cwt: string }
export type PrinterCommand = StoreStCommand | StoreSvwtCommand | SvwtExchangedCommand | ChargeCommand;

/** The printer's reply status to a charge command. */
export const CHARGE_APPLIED = 0, CHARGE_USED = 1, CHARGE_OLD = 2;

// ---------------------------------------------------------------- HTTPS (§5)

/** The header that carries the SVT (never a device id in a body). */
export const SVT_HEADER = "X-Service-Token";

/** POST /api/printers/svt (session auth). */
export interface SvtRequest { svwt: string }
/** 201: the SVT for the header above, the printer it stands for, and when it expires if
 *  unused (cloud clock, ms; every use moves it 30 minutes on). */
export interface SvtResponse { svt: string; deviceId: string; expires: number }

/** 201 answer to POST /api/printers/free-charge and /purchase: a single-use CWT for the
 *  printer (hand it over in CHARGE), good for 24 hours. */
export interface CwtResponse { cwt: string; pages: number }
/** POST /api/printers/purchase. */
export interface PurchaseRequest { pages: number }

export type ChargeKind = "free" | "paid";
/** pending: sent, no reply yet; applied: the printer added the pages; used: the printer
 *  had applied it already (a resend); reissued: the printer answered OLD (the id too old
 *  for it to tell) and its pages were issued again as charge `reissuedAs`; old: answered
 *  OLD after a resend, when its pages may have arrived (not issued again); failed: the
 *  printer refused it. */
export type ChargeStatus = "pending" | "applied" | "used" | "reissued" | "old" | "failed";
export interface ChargeSummary {
  id: number; pages: number; kind: ChargeKind; status: ChargeStatus;
  /** Only with status "reissued": the charge that carries its pages now. */
  reissuedAs?: number;
}
export interface InkOrderSummary { id: number; created: number }

/** GET /api/printers/status. pages/mirrorVersion: the newest mirror the printer reported
 *  (null before its first); ink: its last reported level (null before any). */
export interface PrinterStatusResponse {
  deviceId: string;
  pages: number | null;
  ink: number | null;
  mirrorVersion: number | null;
  charges: ChargeSummary[];
  inkOrders: InkOrderSummary[];
}

/** 201 answer to POST /api/printers/ink-orders (S119). */
export interface InkOrderResponse { id: number }
