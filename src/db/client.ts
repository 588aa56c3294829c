import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema.js";

export type Db = PostgresJsDatabase<typeof schema>;
export type Sql = postgres.Sql;

export interface Database {
  /** Drizzle on its own postgres.js client (drizzle mutates the client it wraps). */
  db: Db;
  /** A separate postgres.js client for raw SQL (graphile_worker.add_job, pg_notify, locks). */
  sql: Sql;
  url: string;
  close(): Promise<void>;
}

export function connectDatabase(url: string, opts: { max?: number } = {}): Database {
  const max = opts.max ?? 10;
  const common = { onnotice: () => {}, connect_timeout: 10, idle_timeout: 60 } as const;
  const drizzleClient = postgres(url, { ...common, max });
  const sql = postgres(url, { ...common, max });
  return {
    db: drizzle(drizzleClient, { schema }),
    sql,
    url,
    async close() {
      await Promise.all([drizzleClient.end({ timeout: 5 }), sql.end({ timeout: 5 })]);
    },
  };
}
