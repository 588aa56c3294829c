import { parseArgs } from "node:util";
import { loadConfig, readEnvironment } from "./config.js";
import type { Lifecycle } from "./lifecycle/lifecycle.js";
import { StartupError } from "./lifecycle/startup-error.js";
import { stopWithParent } from "./lifecycle/triggers.js";
import { createLog } from "./log.js";
import { startService, type Role } from "./service.js";

const ROLES: Role[] = ["web", "worker", "all"];

/** Runs racesync until a stop is asked for, then stops it and exits. Start-up failures are thrown. */
export async function run(lifecycle: Lifecycle): Promise<void> {
  const { role, withParent } = parseArguments();
  const config = loadConfig(readEnvironment());
  const log = createLog(config.logLevel, { format: config.logFormat });
  lifecycle.attach({ log, shutdownTimeoutMs: config.shutdownTimeoutSeconds * 1000 });
  if (withParent) stopWithParent(lifecycle);
  const started = Date.now();
  try {
    await startService({ role, config, log, lifecycle, buildDashboard: true });
    log.info({ role, url: config.publicUrl, ms: Date.now() - started }, `racesync is up (${role}) on ${config.publicUrl}`);
  } catch (err) {
    // Once a stop is asked for, start-up ends early on purpose and has released what it started.
    if (!lifecycle.stopRequest) throw err;
  }
  const request = await lifecycle.stopRequested;
  await lifecycle.release();
  log.info({ ms: Date.now() - request.at }, request.exitCode === 0 ? "stopped cleanly" : "stopped");
  lifecycle.exit(request.exitCode);
}

function parseArguments(): { role: Role; withParent: boolean } {
  const options = { role: { type: "string", default: "all" }, "stop-with-parent": { type: "boolean", default: false } } as const;
  let values;
  try {
    ({ values } = parseArgs({ options }));
  } catch (err) {
    throw new StartupError((err as Error).message);
  }
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new StartupError(`unknown --role "${values.role}": use one of ${ROLES.join(", ")}`);
  return { role, withParent: values["stop-with-parent"] };
}
