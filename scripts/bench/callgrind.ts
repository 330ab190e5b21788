// Instruction counts with valgrind's callgrind: a whole process, start to exit. The bench
// runs each measurement twice (N and 2N events) and keeps the difference, so start-up,
// image load and boot cancel out.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const VALGRIND = "valgrind";

export function valgrindAvailable(): boolean {
  const r = spawnSync(VALGRIND, ["--version"], { encoding: "utf8" });
  return r.status === 0 && /^valgrind/.test(r.stdout);
}

export const callgrindArgs = (outFile: string) => ["--tool=callgrind", "-q", `--callgrind-out-file=${outFile}`];

/** Total instructions (Ir) of a finished callgrind run. */
export function callgrindTotal(outFile: string): number {
  if (!existsSync(outFile)) throw new Error(`callgrind wrote no ${outFile}`);
  const text = readFileSync(outFile, "utf8");
  const m = /^totals:\s*(\d+)/m.exec(text) ?? /^summary:\s*(\d+)/m.exec(text);
  if (!m) throw new Error(`no totals line in ${outFile}`);
  return Number(m[1]);
}

/** Runs `argv` under callgrind to its exit; returns its instruction count and stdout. */
export function callgrindProcess(argv: string[], outFile: string, cwd: string): Promise<{ ir: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(VALGRIND, [...callgrindArgs(outFile), ...argv], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${argv.join(" ")} under callgrind: exit ${code ?? signal}\n${stderr.trim().split("\n").slice(-8).join("\n")}`));
        return;
      }
      try { resolve({ ir: callgrindTotal(outFile), stdout }); } catch (e) { reject(e); }
    });
  });
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell script that runs `exe` under callgrind with whatever arguments it is given:
 *  passed to PosixDevice as the board executable, it keeps the device link on stdio. */
export function callgrindWrapper(dir: string, name: string, exe: string, outFile: string): string {
  const path = join(dir, `${name}.sh`);
  const args = [VALGRIND, ...callgrindArgs(outFile), exe].map(shQuote).join(" ");
  writeFileSync(path, `#!/bin/sh\nexec ${args} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}
