import { existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Log } from "../log.js";
import { runToEnd } from "../lifecycle/processes.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const WEB_DIST = path.join(ROOT, "dist/web");
const VITE = path.join(ROOT, "node_modules/.bin/vite");

/**
 * A fresh checkout has no dist/web: build it on the first start (where Vite is installed). The build
 * goes to a scratch directory moved into place once complete, so a stop half-way leaves no partial dashboard.
 */
export async function buildDashboardIfMissing(log: Log, signal: AbortSignal): Promise<void> {
  if (existsSync(path.join(WEB_DIST, "index.html")) || !existsSync(VITE)) return;
  log.info("building the dashboard (first start only)");
  const started = Date.now();
  const scratch = `${WEB_DIST}.partial`;
  await rm(scratch, { recursive: true, force: true });
  await runToEnd(VITE, ["build", "--logLevel", "warn", "--outDir", scratch], { cwd: ROOT, signal });
  await rm(WEB_DIST, { recursive: true, force: true });
  await rename(scratch, WEB_DIST);
  log.info({ ms: Date.now() - started }, "dashboard built");
}
