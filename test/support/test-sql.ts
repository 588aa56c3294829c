import postgres from "postgres";

/** A plain postgres.js client owned by a test, never one of racesync's own handles. */
export type TestSql = postgres.Sql;

/** The test's own client on `url`, for its setup and assertion SQL; the caller ends it. */
export function connectTestSql(url: string, max = 5): TestSql {
  return postgres(url, { max, onnotice: () => {} });
}
