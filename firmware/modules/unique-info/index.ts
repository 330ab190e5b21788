// modules/unique-info: the PCS's unique information (personal data, history, site id,
// capacities, the partner connection), each item its own record under a keyed check,
// changed only under a grant. README.md beside this file has the records.
export { UniqueInfo } from "./unique-info";
export {
  Item, KEYS, FIRST_RECORD, recordOf, attrsOf, NAME_MAX, ADDRESS_MAX, HISTORY_DAYS, DAY_LEN, SITE_MAX,
  CAPACITIES_LEN, PUBLIC_KEY_LEN, DEVICE_KEY_LEN, CONNECTION_LEN, CONNECTION_PUBLIC_LEN,
} from "./ids";
