import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../src/db/embedded.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { freePort } from "./net.js";

export const TEMPLATE_DB = "racesync_template";

/**
 * One real Postgres for the whole run: TEST_DATABASE_URL when given, else an embedded server in a
 * temporary directory. A migrated template database is cloned per test file (see database.ts).
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let teardown = async () => {};
  if (!adminUrl) {
    const dataDir = await mkdtemp(path.join(tmpdir(), "racesync-test-pg-"));
    const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: "postgres", durable: false });
    adminUrl = pg.url;
    teardown = async () => {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  await migrateDatabase(withDatabase(adminUrl, TEMPLATE_DB));
  project.provide("pgAdminUrl", adminUrl);
  return teardown;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}


declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
