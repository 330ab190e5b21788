// The home LAN's UDP segment (ABI v1.3) and its addresses.
export * from "./ipv4.ts";
export * from "./udp-segment.ts";
