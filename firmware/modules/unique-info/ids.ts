// The five items of unique information (PROTOCOL.md §1), their records and reset classes.
import { KeyRange, ResetClass } from "../../storage/keyspace";
import { Attr } from "../credential-store/index";

export namespace Item {
  export const PERSONAL: i32 = 0;
  export const HISTORY: i32 = 1;
  export const SITE: i32 = 2;
  export const CAPACITIES: i32 = 3;
  export const CONNECTION: i32 = 4;
  export const COUNT: i32 = 5;
  /** Every item, as a grant's or authentication information's item bits. */
  export const ALL: u32 = 0x1f;
}

/** Item i is record FIRST_RECORD + i. */
export const FIRST_RECORD: u32 = 0x0901;

@inline export function recordOf(item: i32): u32 { return FIRST_RECORD + <u32>item; }

/** Personal data and history go with the tenant (initialization); the site, the
 *  capacities and the connection belong to the installation (factory reset). */
export const KEYS: KeyRange[] = [
  new KeyRange("unique-info: personal data, history", 0x0900, 0x0902, ResetClass.INITIALIZATION),
  new KeyRange("unique-info: site, capacities, connection", 0x0903, 0x091f, ResetClass.FACTORY_RESET),
];

/** SECRET (sealed: AES-GCM's tag is the keyed check) or PROTECTED (HMAC tag). */
export function attrsOf(item: i32): u8 {
  return item == Item.SITE || item == Item.CAPACITIES ? Attr.PROTECTED : Attr.SECRET;
}

export const NAME_MAX: i32 = 64;
export const ADDRESS_MAX: i32 = 128;
export const HISTORY_DAYS: i32 = 31;
export const DAY_LEN: i32 = 16;
export const SITE_MAX: i32 = 20;
export const CAPACITIES_LEN: i32 = 12;
export const PUBLIC_KEY_LEN: i32 = 65;
export const DEVICE_KEY_LEN: i32 = 32;
export const CONNECTION_LEN: i32 = 4 + PUBLIC_KEY_LEN + DEVICE_KEY_LEN;
/** What READ over a link gives of a CONNECTION: partner code and public key. */
export const CONNECTION_PUBLIC_LEN: i32 = 4 + PUBLIC_KEY_LEN;
