import path from "node:path";
import { fileURLToPath } from "node:url";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { Logger as GraphileLogger, runMigrations } from "graphile-worker";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import type { Db } from "./client.js";

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");
const MIGRATION_LOCK = 7_262_711; // arbitrary advisory-lock id shared by every racesync process

/** Applies racesync's migrations and Graphile Worker's schema, one process at a time. */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    await runMigrations({ connectionString: url, logger: silentGraphileLogger() });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end();
  }
}

/** True when every migration in drizzle/ has been applied (for /readyz). */
export async function migrationsCurrent(db: Db): Promise<boolean> {
  const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;
  const rows = await db.execute<{ n: number }>(sql`select count(*) as n from drizzle.__drizzle_migrations`).catch(() => [{ n: -1 }]);
  return rows[0]!.n >= expected;
}

export function silentGraphileLogger(): GraphileLogger {
  return new GraphileLogger(() => () => {});
}
