import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { connectDatabase, type Database } from "../../src/db/client.js";
import { TEMPLATE_DB, withDatabase } from "./global-setup.js";

export interface TestDatabase extends Database {
  name: string;
  /** Drops the database (closing connections first). */
  destroy(): Promise<void>;
}

/** A fresh, migrated database cloned from the template: isolated per test file (or per test). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const database = connectDatabase(withDatabase(adminUrl, name), { max: 5 });
  return {
    ...database,
    name,
    async destroy() {
      await database.close();
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
