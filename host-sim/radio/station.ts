// The home router's answer to a station that asks to join: the WIFI event's argument
// (boards/ABI.md, "Wi-Fi"). Keys compare in constant time, as an access point's 4-way
// handshake reveals nothing about how close a wrong key was.
import { timingSafeEqual } from "node:crypto";
import { E_AUTH, E_NOTFOUND } from "../board/abi-constants.ts";
import type { RouterSettings } from "./types.ts";

export const JOINED = 1;
export const LEFT = 0;

const enc = new TextEncoder();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 1 joined, E_NOTFOUND no network of that SSID, E_AUTH the key is not the router's. */
export function judgeJoin(router: RouterSettings | null, ssid: Uint8Array, key: Uint8Array): number {
  if (!router || !sameBytes(ssid, enc.encode(router.ssid))) return E_NOTFOUND;
  return sameBytes(key, enc.encode(router.key)) ? JOINED : E_AUTH;
}
