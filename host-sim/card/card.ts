// The IC card a company hands its customer (seed 003, FIG. 9; firmware/images/meter/
// PROTOCOL.md §1): 16 bytes naming the company, its role and the data types it receives.
// The meter trusts nothing on it until the company's confirmation matches (§3).

export const CARD_BYTES = 16;
export const CARD_VERSION = 1;

/** The card's role byte: contract-table Role. */
export const CardRole = { CONTRACT: 0, PROVISION: 1 } as const;
export type CardRole = (typeof CardRole)[keyof typeof CardRole];

/** contract-table DataType bits. */
export const DataType = { TIME: 1, POWER: 2, ENERGY: 4, HISTORY: 8, ALL: 15 } as const;

/** What a card says. */
export interface Card {
  role: CardRole;
  /** The company code of the destination server (u32). */
  company: number;
  /** DataType bits the company receives (u32). */
  types: number;
}

/** The card's 16 bytes: 'C' 'T' | version 1 | role | company u32 LE | types u32 LE | reserved u32 0. */
export function encodeCard(c: Card): Uint8Array {
  if (c.role !== CardRole.CONTRACT && c.role !== CardRole.PROVISION) throw new RangeError(`card role ${c.role}`);
  for (const v of [c.company, c.types]) if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`card field ${v}`);
  const b = new Uint8Array(CARD_BYTES);
  const dv = new DataView(b.buffer);
  b[0] = 0x43; b[1] = 0x54; b[2] = CARD_VERSION; b[3] = c.role;
  dv.setUint32(4, c.company, true);
  dv.setUint32(8, c.types, true);
  return b;
}

/** A card's bytes read back; null for anything a meter must call unreadable. */
export function decodeCard(b: Uint8Array): Card | null {
  if (b.length !== CARD_BYTES || b[0] !== 0x43 || b[1] !== 0x54 || b[2] !== CARD_VERSION) return null;
  if (b[3] !== CardRole.CONTRACT && b[3] !== CardRole.PROVISION) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  if (dv.getUint32(12, true) !== 0) return null;
  return { role: b[3] as CardRole, company: dv.getUint32(4, true), types: dv.getUint32(8, true) };
}
