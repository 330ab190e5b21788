// The third-party booking service of the lock (firmware/images/lock/PROTOCOL.md §7).
export * from "./types.ts";
export { startBookingService, type BookingService, type BookingServiceOptions } from "./server.ts";
export { BookingClient, BookingError } from "./client.ts";
export { BookingStore } from "./store.ts";
