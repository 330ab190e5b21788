// modules/scheduler: named deadlines over one board timer, in device time or wall-clock
// UTC, one-shot or periodic, optionally kept in flash across power loss. AGREED API
// (issue 7 brief); README.md says how a module uses it.
export { DeadlineOwner, Durability, Scheduler, WALL_POLL_MS } from "./scheduler";
export { Clock } from "./clock";
export { KEYS, PERSISTABLE_NAMES } from "./records";
