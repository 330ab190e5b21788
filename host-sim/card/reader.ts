// The meter's IC card reader: three slots (FIG. 9). Inserting or removing a card sends
// the device a CARD link frame `slot u8 | present u8 | card bytes`; the device's own
// CARD frame `slot u8` asks for that slot again and is answered the same way
// (firmware/images/meter/PROTOCOL.md §1). The reader carries any bytes a card holds: it
// is the meter's job to refuse a card it cannot read.
import { LinkId, type BoardOutput } from "../device/types.ts";

export const CARD_SLOTS = 3;

/** Where the reader's frames go: a LINK event on Link.CARD of the device it sits in. */
export type CardLinkSink = (frame: Uint8Array) => Promise<unknown>;

export class CardReader {
  private readonly slots: (Uint8Array | null)[] = new Array(CARD_SLOTS).fill(null);
  private pending: Promise<unknown>[] = [];

  constructor(private readonly send: CardLinkSink) {}

  /** What sits in a slot (null: empty). */
  card(slot: number): Uint8Array | null { return this.slots[checkSlot(slot)]; }

  insert(slot: number, bytes: Uint8Array): Promise<unknown> {
    this.slots[checkSlot(slot)] = bytes.slice();
    return this.send(frameOf(slot, this.slots[slot]));
  }

  remove(slot: number): Promise<unknown> {
    this.slots[checkSlot(slot)] = null;
    return this.send(frameOf(slot, null));
  }

  /** Follows the device's outputs: a CARD frame naming a slot is a re-read request.
   *  Anything else on the CARD link (no slot, a slot that does not exist) is ignored,
   *  as a reader ignores a command it does not know. */
  onOutput(o: BoardOutput): Promise<unknown> | undefined {
    if (o.t !== "link" || o.link !== LinkId.CARD || o.data.length !== 1 || o.data[0] >= CARD_SLOTS) return undefined;
    const slot = o.data[0];
    const p = this.send(frameOf(slot, this.slots[slot]));
    p.catch(() => undefined);              // surfaces in settled()
    this.pending.push(p);
    return p;
  }

  /** Waits until every re-read the device asked for so far was answered. */
  async settled(): Promise<void> {
    while (this.pending.length > 0) {
      const p = this.pending;
      this.pending = [];
      await Promise.all(p);
    }
  }
}

/** The reader's frame for a slot: present with the card's bytes, or empty. */
export function frameOf(slot: number, bytes: Uint8Array | null): Uint8Array {
  const f = new Uint8Array(2 + (bytes?.length ?? 0));
  f[0] = slot; f[1] = bytes ? 1 : 0;
  if (bytes) f.set(bytes, 2);
  return f;
}

function checkSlot(slot: number): number {
  if (!Number.isInteger(slot) || slot < 0 || slot >= CARD_SLOTS) throw new RangeError(`no card slot ${slot} (0..${CARD_SLOTS - 1})`);
  return slot;
}
