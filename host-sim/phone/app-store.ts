// What the maker's app keeps on the phone between runs, as a real app keeps it in its
// storage: the appliance it controls and its cloud session. Without it a home started
// again lists the device at the cloud (`devices`) while the app has forgotten which one it
// controls. The session token is a credential: the file is the owner's alone (0600) and
// nothing here logs it.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface SavedApp {
  /** The appliance's current device ID, once registered (or added). */
  deviceId: string | null;
  /** The cloud session's bearer token, while signed in. */
  session: string | null;
}

export class AppStore {
  constructor(readonly file: string) {}

  load(): SavedApp {
    if (!existsSync(this.file)) return { deviceId: null, session: null };
    const s = JSON.parse(readFileSync(this.file, "utf8")) as Partial<SavedApp>;
    return { deviceId: typeof s.deviceId === "string" ? s.deviceId : null, session: typeof s.session === "string" ? s.session : null };
  }

  /** Written whole to a temporary file and renamed over the old one: a crash leaves the
   *  old state or the new, never half of it. */
  save(s: SavedApp): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
