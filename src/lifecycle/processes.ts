import { spawn } from "node:child_process";
import path from "node:path";

/** True while a process with this pid exists (EPERM: it exists, owned by someone else). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface RunOptions {
  cwd?: string;
  uid?: number;
  gid?: number;
  /** On abort the program is stopped (SIGTERM) and the promise rejects once it has exited. */
  signal?: AbortSignal;
}

/** Runs a program to its end; rejects with its output when it fails. */
export function runToEnd(file: string, args: string[], opts: RunOptions = {}): Promise<void> {
  const { signal, ...spawnOptions } = opts;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = spawn(file, args, { ...spawnOptions, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (d: Buffer) => (output += d.toString());
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    const stop = () => child.kill("SIGTERM");
    signal?.addEventListener("abort", stop, { once: true });
    child.on("error", reject);
    child.on("close", (code, killedBy) => {
      signal?.removeEventListener("abort", stop);
      if (code === 0) resolve();
      else if (signal?.aborted) reject(signal.reason);
      else reject(new Error(`${path.basename(file)} failed (${code ?? killedBy}): ${output.trim()}`));
    });
  });
}
