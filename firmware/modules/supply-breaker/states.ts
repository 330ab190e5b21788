// The breaker's states and the reasons a transition is made for (README.md, "States").

export namespace BreakerState {
  /** Open: no supply. */
  export const DISCONNECTED: u8 = 0;
  /** Closed: the supply is on (the pin at 1). */
  export const CONNECTED: u8 = 1;
  /** Still open, but a matching confirmation came: a local press closes it. */
  export const READY_FOR_RECONNECTION: u8 = 2;
}

export namespace BreakerReason {
  /** Opened in advance for the next resident (a new meter, a move-out). */
  export const NEW_RESIDENT: u8 = 1;
  /** A confirmation did not match the stored company data. */
  export const SECURITY: u8 = 2;
  /** A confirmation matched. */
  export const CONFIRMED: u8 = 3;
  /** The local button was pressed. */
  export const PRESS: u8 = 4;
}

/** Whether `to` can be reached for `reason`: what a stored entry must say. */
export function validTransition(from: u8, to: u8, reason: u8): bool {
  if (from > BreakerState.READY_FOR_RECONNECTION) return false;
  if (to == BreakerState.DISCONNECTED) return reason == BreakerReason.NEW_RESIDENT || reason == BreakerReason.SECURITY;
  if (to == BreakerState.READY_FOR_RECONNECTION) return reason == BreakerReason.CONFIRMED;
  if (to == BreakerState.CONNECTED) return reason == BreakerReason.CONFIRMED || reason == BreakerReason.PRESS;
  return false;
}
