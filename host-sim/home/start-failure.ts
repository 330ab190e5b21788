// What `npm start` says when the home cannot start once its options were read: one
// sentence naming the cause and what to do, not a stack trace (DEBUG=1 adds the stack).
// The options themselves are options.ts's (exit 2); these are exit 1.
import { resolve, sep } from "node:path";
import { ImageDoesNotLoad } from "./home-image.ts";

export interface StartContext {
  dataDir: string;
}

const FOLDER_CODES = new Set(["ENOTDIR", "EEXIST", "EACCES", "EPERM", "EROFS", "ENOSPC", "EISDIR"]);

export function startFailure(e: unknown, ctx: StartContext): string {
  const err = e as NodeJS.ErrnoException & { port?: number };
  const message = firstLine(err?.message ?? String(e));
  if (err?.syscall === "listen" || err?.code === "EADDRINUSE") {
    const port = err.port ?? "";
    const why = err.code === "EACCES" ? "ports below 1024 need root" : err.code === "EADDRINUSE" ? "another program holds it" : err.code;
    return `port ${port} cannot be opened (${why}): choose another with --port <n>`;
  }
  if ((err?.code === "EEXIST" || err?.code === "ENOTDIR") && inside(err.path, ctx.dataDir)) {
    return `the data folder ${ctx.dataDir} cannot be made: ${err.path} is a file, not a folder: name a folder with --data <dir>`;
  }
  if (err?.code && FOLDER_CODES.has(err.code) && inside(err.path, ctx.dataDir)) {
    return `the data folder ${ctx.dataDir} cannot be written (${err.code} on ${err.path}): name a folder you may write with --data <dir>`;
  }
  if (/^mosquitto not found/.test(message)) {
    return "--broker mosquitto: mosquitto is not installed: apt-get install mosquitto, or leave out --broker (the embedded broker)";
  }
  if (/^mosquitto login plugin/.test(message)) return `--broker mosquitto: ${message}`;
  if (e instanceof ImageDoesNotLoad) return `${message}: build it again (npm run build), or name another image`;
  return `the home could not start: ${message}`;
}

/** The line to print: the sentence, and the stack when DEBUG is set. */
export function startFailureText(e: unknown, ctx: StartContext, env = process.env): string {
  const line = `npm start: ${startFailure(e, ctx)}`;
  return env.DEBUG ? `${line}\n${(e as Error)?.stack ?? String(e)}` : `${line} (DEBUG=1 shows where)`;
}

function inside(path: string | undefined, dir: string): boolean {
  if (!path) return false;
  const p = resolve(path), d = resolve(dir);
  return p === d || p.startsWith(d + sep);
}

function firstLine(s: string): string { return s.split("\n")[0].trim(); }
