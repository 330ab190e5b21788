// modules/contract-table: the smart meter's contract table (meter code, contract and
// data-provision companies with their data scopes, scheduled and immediate changes, the
// fourth embodiment's confirmation). README.md beside this file has the records and API.
export { ContractTable, Change, Confirm, RETRY_MS } from "./contract-table";
export { ContractEvents } from "./events";
export {
  KEYS, ContractRecord, ContractDeadline, Role, DataType, IMMEDIATE, NO_COMPANY, MAX_PENDING, METER_CODE_MAX,
} from "./ids";
