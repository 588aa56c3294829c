import type { Sql } from "../db/client.js";

export interface JobOptions {
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  jobKey?: string;
  /** replace (default) | preserve_run_at | unsafe_dedupe */
  jobKeyMode?: "replace" | "preserve_run_at" | "unsafe_dedupe";
  priority?: number;
}

/** Adds a Graphile Worker job with plain SQL, so it can share the caller's transaction. */
export async function addJob(sql: Sql, task: string, payload: unknown, opts: JobOptions = {}): Promise<string> {
  const rows = await sql<{ id: string }[]>`
    select id::text from graphile_worker.add_job(
      ${task},
      ${JSON.stringify(payload ?? {})}::text::json,
      queue_name => ${opts.queueName ?? null},
      run_at => ${opts.runAt ?? null},
      max_attempts => ${opts.maxAttempts ?? null},
      job_key => ${opts.jobKey ?? null},
      priority => ${opts.priority ?? null},
      job_key_mode => ${opts.jobKeyMode ?? null}
    )`;
  return rows[0]!.id;
}
