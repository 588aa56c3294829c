import { getRun, type RunStatus } from "../../src/history/runs.js";
import type { VerbDb } from "./context.js";
import { waitFor } from "./wait.js";

const FINISHED: RunStatus[] = ["succeeded", "failed", "cancelled", "held"];

/** Waits until the sync run reaches one of `statuses` (by default, any finished one) and returns it. */
export async function waitForRun(target: { verbDb: VerbDb }, runId: number, statuses: RunStatus[] = FINISHED, timeoutMs = 25_000) {
  let run: Awaited<ReturnType<typeof getRun>>;
  return waitFor(async () => {
    run = await getRun(target.verbDb, runId);
    return run && statuses.includes(run.status) ? run : undefined;
  }, () => `run ${runId} to be ${statuses.join(" or ")}: ${JSON.stringify(run)}`, timeoutMs);
}

/** Waits until the sync run has fetched at least one page (it is between pages). */
export async function waitForFirstPage(target: { verbDb: VerbDb }, runId: number): Promise<void> {
  await waitFor(async () => ((await getRun(target.verbDb, runId))?.pages ?? 0) >= 1, `run ${runId} to fetch its first page`);
}
