import { createSignal } from "solid-js";
import { ApiError } from "../api.js";

export type Notify = (message: string, kind?: "ok" | "error") => void;

/**
 * One admin action on a table row (retry a job, replay an event): its button is disabled while it
 * runs, and the outcome is told: `act` returns the success message; a failure names the row.
 */
export function createRowAction<R extends { id: number }>(opts: {
  notify: Notify;
  act: (row: R) => Promise<string>;
  /** How a failure message names the row, e.g. "Job 12". */
  label: (row: R) => string;
  /** Said when the API gave no message of its own, e.g. "retry failed". */
  failed: string;
}) {
  const [running, setRunning] = createSignal<number | null>(null);
  async function run(row: R): Promise<void> {
    setRunning(row.id);
    try {
      opts.notify(await opts.act(row));
    } catch (err) {
      opts.notify(`${opts.label(row)}: ${err instanceof ApiError ? err.message : opts.failed}`, "error");
    } finally {
      setRunning(null);
    }
  }
  return { run, isRunning: (row: R) => running() === row.id };
}
