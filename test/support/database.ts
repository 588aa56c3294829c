import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { createTestContext, type ContextOptions, type TestContext } from "./context.js";
import { TEMPLATE_DB, withDatabase } from "./global-setup.js";
import { connectTestSql, type TestSql } from "./test-sql.js";

export interface TestDatabase {
  name: string;
  url: string;
  /** The test's own client, for the SQL a test runs itself (setup and assertions). */
  sql: TestSql;
  /** A racesync context on this database (see context.ts), closed by destroy(). */
  context(opts?: ContextOptions): TestContext;
  /** Closes the clients and contexts, then drops the database. */
  destroy(): Promise<void>;
}

/** A fresh, migrated database cloned from the template: isolated per test file (or per test). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  await asAdmin(adminUrl, (admin) => admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`));
  const url = withDatabase(adminUrl, name);
  const sql = connectTestSql(url);
  const contexts: TestContext[] = [];
  return {
    name,
    url,
    sql,
    context(opts) {
      const context = createTestContext(url, opts);
      contexts.push(context);
      return context;
    },
    async destroy() {
      for (const context of contexts) await context.close();
      await sql.end({ timeout: 5 });
      await asAdmin(adminUrl, (admin) => admin.unsafe(`drop database if exists ${name} with (force)`));
    },
  };
}

async function asAdmin(adminUrl: string, run: (admin: postgres.Sql) => Promise<unknown>): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await run(admin);
  } finally {
    await admin.end();
  }
}
