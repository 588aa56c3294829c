import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/net.js";
import { waitFor } from "../support/wait.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface RacesyncProcess {
  role: string;
  pid: number;
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Starts `node --import tsx src/main.ts --role <role>` and waits until it answers /readyz. */
export async function startProcess(role: "web" | "worker", env: Record<string, string>): Promise<RacesyncProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--role", role], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "production", ...env, PORT: String(port), PUBLIC_URL: env.PUBLIC_URL ?? `http://127.0.0.1:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const started: RacesyncProcess = { role, pid: child.pid!, url, child, output: () => output, exited };
  try {
    await waitReady(url, exited, () => output);
  } catch (err) {
    await stopProcess(started); // never leave a process that did not become ready running
    throw err;
  }
  return started;
}

async function waitReady(url: string, exited: Promise<unknown>, output: () => string): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  await waitFor(async () => {
    if (dead) throw new Error(`racesync exited during start-up:\n${output()}`);
    return fetch(`${url}/readyz`).then((r) => r.ok, () => false);
  }, () => `racesync to become ready:\n${output()}`, 60_000); // three processes loading TypeScript at once on a busy 2-core machine
}

/** Stops what is still running (SIGTERM, then SIGKILL after 10 s). */
export async function stopProcess(p: RacesyncProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
  await p.exited;
  clearTimeout(timer);
}
