// What a phone app keeps on the phone between runs, as a real app keeps it in its
// storage: the maker's app its appliance and cloud session (maker-app.json), the printer's
// apps their printer, printer token, service token and the app's own key pair. Without it
// a home started again lists the device at the cloud (`devices`) while the app has
// forgotten which one it controls. What is kept holds credentials and the phone's private
// key: the file is the owner's alone (0600), it stays in data/phones/<name>/ (erased by
// --fresh) and nothing here logs it.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface SavedApp {
  /** The appliance's current device ID, once registered (or added). */
  deviceId: string | null;
  /** The cloud session's bearer token, while signed in. */
  session: string | null;
}

/** Reads a file's fields back, keeping only those of the right type (a file from an older
 *  version, or edited by hand, gives nulls where it does not fit). */
export type ReadSaved<T> = (raw: Record<string, unknown>) => T;

const text = (v: unknown): string | null => (typeof v === "string" ? v : null);

export const readMakerApp: ReadSaved<SavedApp> = (s) => ({ deviceId: text(s.deviceId), session: text(s.session) });

export class AppStore<T extends object = SavedApp> {
  constructor(readonly file: string, private readonly read: ReadSaved<T> = readMakerApp as unknown as ReadSaved<T>) {}

  load(): T {
    if (!existsSync(this.file)) return this.read({});
    const s = JSON.parse(readFileSync(this.file, "utf8")) as unknown;
    return this.read(s !== null && typeof s === "object" ? s as Record<string, unknown> : {});
  }

  /** Written whole to a temporary file and renamed over the old one: a crash leaves the
   *  old state or the new, never half of it. */
  save(s: T): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

export { text as savedText };
