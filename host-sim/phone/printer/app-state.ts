// What the printer's two apps keep on the phone between runs (app-store.ts): the app's
// long-term key (the printer knows the phone by it, and binds its PT to it), and for the
// management app the PT, the printer it set up and the SVT it holds. Bytes are hex.
import { savedText, type ReadSaved } from "../app-store.ts";
import type { SvtGrant } from "./cloud.ts";

export interface SavedPrintApp {
  /** The app's P-256 private key: the phone's own secret. */
  key: string | null;
}

export interface SavedManageApp extends SavedPrintApp {
  pt: string | null;
  deviceId: string | null;
  serial: string | null;
  svt: SvtGrant | null;
}

export const readPrintApp: ReadSaved<SavedPrintApp> = (s) => ({ key: hex(s.key) });

export const readManageApp: ReadSaved<SavedManageApp> = (s) => ({
  key: hex(s.key), pt: hex(s.pt), deviceId: savedText(s.deviceId), serial: savedText(s.serial), svt: svtGrant(s.svt),
});

const hex = (v: unknown): string | null => { const t = savedText(v); return t !== null && /^([0-9a-f]{2})+$/.test(t) ? t : null; };

function svtGrant(v: unknown): SvtGrant | null {
  if (v === null || typeof v !== "object") return null;
  const g = v as Record<string, unknown>;
  return typeof g.svt === "string" && typeof g.deviceId === "string" && typeof g.expires === "number" ? { svt: g.svt, deviceId: g.deviceId, expires: g.expires } : null;
}
