import { Logger, run, type Runner } from "graphile-worker";
import type { AppContext } from "../context.js";
import { makeCrontab, makeTasks } from "./tasks.js";

export interface WorkerOptions {
  concurrency?: number;
  pollInterval?: number;
}

/** Starts a Graphile Worker runner on the shared database. */
export async function startWorker(ctx: AppContext, opts: WorkerOptions = {}): Promise<Runner> {
  const log = ctx.log.child({ component: "worker" });
  return run({
    connectionString: ctx.database.url,
    concurrency: opts.concurrency ?? 8,
    pollInterval: opts.pollInterval ?? 1000,
    noHandleSignals: true,
    taskList: makeTasks(ctx),
    crontab: makeCrontab(ctx),
    logger: new Logger((scope) => (level, message, meta) => {
      const line = { ...scope, ...meta };
      if (level === "error") log.error(line, message);
      else if (level === "warning") log.warn(line, message);
      else log.debug(line, message);
    }),
  });
}
