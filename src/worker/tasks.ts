import type { TaskList } from "graphile-worker";
import type { AppContext } from "../context.js";

/** Every Graphile Worker task racesync runs, by identifier. Features register theirs here. */
export function makeTasks(_ctx: AppContext): TaskList {
  return {};
}

/** Graphile Worker crontab (low-frequency maintenance and reconciliation). */
export function makeCrontab(_ctx: AppContext): string {
  return "";
}
