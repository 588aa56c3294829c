/**
 * `npm run dev`: racesync restarted on every change (tsx watch) and the dashboard on Vite's dev
 * server with hot reload, which proxies the API to it. Open the address Vite prints. Ctrl-C stops both.
 */
import { spawn, type ChildProcess } from "node:child_process";

const bin = (name: string) => `node_modules/.bin/${name}`;
const children: ChildProcess[] = [
  start("server", bin("tsx"), ["watch", "--clear-screen=false", "src/main.ts"], { LOG_FORMAT: process.env.LOG_FORMAT ?? "pretty" }),
  start("web", bin("vite"), []),
];

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stopAll(0));

function start(name: string, command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, FORCE_COLOR: "1", ...env } });
  child.on("exit", (code) => {
    if (!stopping) console.error(`dev: ${name} exited (${code ?? "signal"}); stopping the other one`);
    stopAll(code ?? 1);
  });
  return child;
}

function stopAll(code: number): void {
  if (!stopping) {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  }
  if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(code);
}
