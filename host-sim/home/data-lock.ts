// One home per data folder: two homes on the same flash files, cloud database and broker
// store would corrupt each other without a word. The folder holds `home.lock` with the
// pid of the home that owns it; a lock whose process is gone (a killed home) is taken over.
import { mkdirSync, openSync, writeSync, closeSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";

/** Another living process holds the folder. The message is one line for the user. */
export class DataDirBusy extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`${dir} is in use by another home (pid ${pid}): stop that one, or start this one on its own folder with --data <dir>`);
  }
}

export interface DataDirLock { readonly file: string; release(): void }

/** Takes the folder for this process (creating it); throws DataDirBusy if another live
 *  process has it. `pid` is this process's own (tests pass another). */
export function lockDataDir(dir: string, pid = process.pid): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "home.lock");
  for (let attempt = 0; ; attempt++) {
    try {
      // "wx": created only if absent, so two homes starting at once cannot both win.
      const fd = openSync(file, "wx");
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e;
      const holder = holderOf(file);
      if (holder !== null && holder !== pid && alive(holder)) throw new DataDirBusy(dir, holder);
      // Stale (its process is gone), unreadable, or our own: take it over.
      try { unlinkSync(file); } catch { /* another starter removed it first */ }
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    // Only our own lock: never remove one a later home took over.
    if (holderOf(file) === pid) try { unlinkSync(file); } catch { /* already gone */ }
  };
  process.once("exit", release);
  return { file, release: () => { process.removeListener("exit", release); release(); } };
}

function holderOf(file: string): number | null {
  try {
    const n = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch { return null; }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === "EPERM"; }
}
