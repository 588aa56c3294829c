import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../../support/wait.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const INDEX = path.join(ROOT, "dist/web/index.html");
const LOCK = path.join(ROOT, "dist/.web-build.lock");
const WAIT_MS = 120_000;

/**
 * The backend serves dist/web (and only looks for it at start-up), so build it once when missing.
 * Test files run in parallel processes: the first takes a directory lock, the others wait for index.html.
 */
export async function ensureWebBuild(): Promise<void> {
  if (existsSync(INDEX)) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  if (takeLock()) {
    try {
      execFileSync(path.join(ROOT, "node_modules/.bin/vite"), ["build", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
    return;
  }
  await waitFor(() => existsSync(INDEX), "another test's build of dist/web/index.html (or run `npm run build:web`)", WAIT_MS);
}

function takeLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    return false;
  }
}
