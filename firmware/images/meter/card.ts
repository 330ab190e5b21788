// The IC card reader's three slots (PROTOCOL.md §1, FIG. 9). A card is what its company
// printed on it: 'C' 'T' | version 1 | role | company code u32 | data types u32 |
// reserved u32 = 0 (16 bytes, LE). Anything else is unreadable and changes nothing; a
// forged card is caught later by the company's confirmation (fourth embodiment).
import { OK, E_INVAL, E_MALFORMED } from "../../core/errors";
import { getU32LE } from "../../core/codecs/bytes";
import { DataType, Role } from "../../modules/contract-table/index";

export const SLOTS: i32 = 3;
export const CARD_BYTES: i32 = 16;
const CARD_VERSION: u8 = 1;

export namespace SlotState {
  export const EMPTY: u8 = 0;
  export const CARD: u8 = 1;
  /** A card is in, but its bytes are not a contract card. */
  export const UNREADABLE: u8 = 2;
}

export class CardSlots {
  state: StaticArray<u8> = new StaticArray<u8>(SLOTS);
  role: StaticArray<u8> = new StaticArray<u8>(SLOTS);
  code: StaticArray<u32> = new StaticArray<u32>(SLOTS);
  types: StaticArray<u32> = new StaticArray<u32>(SLOTS);
  /** The slot the last frame found an unreadable card in, or -1. */
  unreadable: i32 = -1;

  /** A reader frame `slot u8 | present u8 | card bytes`: OK (the slot now shows what is
   *  in it, an unreadable card included), E_INVAL for a slot that does not exist,
   *  E_MALFORMED for a frame that is no reader frame (nothing changes). */
  onFrame(f: Uint8Array): i32 {
    this.unreadable = -1;
    if (f.length < 2) return E_MALFORMED;
    const slot = <i32>f[0];
    if (slot >= SLOTS) return E_INVAL;
    const present = f[1];
    if (present == 0) {
      if (f.length != 2) return E_MALFORMED;
      this.clear(slot);
      return OK;
    }
    if (present != 1) return E_MALFORMED;
    this.clear(slot);
    unchecked(this.state[slot] = SlotState.UNREADABLE);
    if (!validCard(f, 2, f.length - 2)) { this.unreadable = slot; return E_MALFORMED; }
    unchecked(this.state[slot] = SlotState.CARD);
    unchecked(this.role[slot] = f[5]);
    unchecked(this.code[slot] = getU32LE(f, 6));
    unchecked(this.types[slot] = getU32LE(f, 10));
    return OK;
  }

  has(slot: i32): bool { return slot >= 0 && slot < SLOTS && unchecked(this.state[slot]) == SlotState.CARD; }

  private clear(slot: i32): void {
    unchecked(this.state[slot] = SlotState.EMPTY);
    unchecked(this.role[slot] = 0);
    unchecked(this.code[slot] = 0);
    unchecked(this.types[slot] = 0);
  }
}

/** Exactly CARD_BYTES of a version-1 card naming a role, a company and types it knows. */
function validCard(f: Uint8Array, at: i32, n: i32): bool {
  if (n != CARD_BYTES) return false;
  if (f[at] != 0x43 || f[at + 1] != 0x54 || f[at + 2] != CARD_VERSION) return false;
  const role = f[at + 3];
  if (role != Role.CONTRACT && role != Role.PROVISION) return false;
  const code = getU32LE(f, at + 4), types = getU32LE(f, at + 8);
  if (code == 0 || types == 0 || (types & ~DataType.ALL) != 0) return false;
  return getU32LE(f, at + 12) == 0;
}
