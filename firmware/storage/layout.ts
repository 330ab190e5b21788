// On-flash layout of the record store; FORMAT.md beside this file explains it.

export const PAGE_MAGIC: u32 = 0x31765352; // "RSv1" little-endian
export const PAGE_HEADER: i32 = 16;
// page header: magic u32 | page seq u32 | crc32(bytes 0..7) u32 | state u8 | 3 x 0xFF
export const PAGE_STATE_OFF: i32 = 12;
export const PAGE_IN_USE: u8 = 0xff;
export const PAGE_FREEING: u8 = 0xfe;

export const REC_HEADER: i32 = 20;
// record header: state u8 | flags u8 | key u16 | seq u32 | len u16 | 0xFFFF |
//                crc32(bytes 1..11) u32 | crc32(data) u32 | data, padded to 4 bytes
export const REC_FREE: u8 = 0xff;      // nothing written here yet
export const REC_CLAIMED: u8 = 0xfe;   // write started; without a commit it is torn
export const REC_COMMITTED: u8 = 0xfc; // complete and valid
export const REC_SCRUBBED: u8 = 0x00;  // data overwritten with zeros; header kept to walk past it

export const FLAG_TOMBSTONE: u8 = 0x01;
// A member of a transaction: written and left claimed (FE); valid only once the
// transaction's commit record is committed, and then set to committed (FC) itself.
export const FLAG_TXN: u8 = 0x02;
// A transaction's commit record (key KEY_NONE): data = first member seq u32 | members u32.
export const FLAG_COMMIT: u8 = 0x04;
export const TXN_COMMIT_LEN: i32 = 8;

export const KEY_NONE: u32 = 0xffff;

@inline export function align4(n: i32): i32 { return (n + 3) & ~3; }
@inline export function recordSize(len: i32): i32 { return REC_HEADER + align4(len); }
