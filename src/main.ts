import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.js";
import { startDemo, type Demo } from "./demo/demo.js";
import { createLog } from "./log.js";
import { startService, type Role } from "./server.js";

const ROLES: Role[] = ["web", "worker", "all"];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: "string", default: "all" } } });
  const role = values.role as Role;
  if (!ROLES.includes(role)) fail(`Unknown --role "${values.role}": use one of ${ROLES.join(", ")}`);

  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const log = createLog(config.logLevel);
  const started = Date.now();
  const demo: Demo | undefined = config.demo ? await startDemo(config, log) : undefined;
  const service = await startService({ role, config: demo?.config ?? config, log });
  await demo?.populate(service.ctx);
  log.info({ role, url: config.publicUrl, ms: Date.now() - started }, `racesync is up (${role}) on ${config.publicUrl}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: finishing running jobs, closing streams");
    await demo?.stop();
    await service.stop();
    log.info("stopped cleanly");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

function fail(message: string): never {
  process.stderr.write(`racesync: ${message}\n`);
  process.exit(1);
}

main().catch((err) => {
  process.stderr.write(`racesync failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
