import { setTimeout as sleep } from "node:timers/promises";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle, type PostgresJsQueryResultHKT } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema.js";

type Schema = typeof schema;

/**
 * The one database handle every verb takes: the pool or a transaction on it (a transaction is a
 * Db too, so a verb never cares which). Plain CRUD uses the query builder; raw SQL goes through
 * `db.execute(sql`…`)` with drizzle's `sql`.
 */
export type Db = PgDatabase<PostgresJsQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
type Tx = PgTransaction<PostgresJsQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  url: string;
  close(): Promise<void>;
}

/**
 * Strava ids are int8 and always below 2^53: every int8 (ids, counts) is read as a number, once,
 * here, so no caller patches ids with Number().
 */
const int8AsNumber = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };

/**
 * Types (dates, times and their arrays) whose postgres.js handling drizzle replaces by pass-through
 * strings; we put postgres.js' back so raw SQL reads and writes Dates (and their arrays) as usual.
 */
const DATE_TYPES = [1082, 1083, 1114, 1115, 1182, 1184, 1185, 1231];

export function connectDatabase(url: string, opts: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 60,
    types: { int8: int8AsNumber },
  });
  const dates = DATE_TYPES.map((t) => [t, client.options.parsers[t], client.options.serializers[t]] as const);
  const db = drizzle(preparedStatements(client), { schema });
  // Raw SQL keeps Dates in and out; drizzle's timestamp columns map either form.
  for (const [t, parse, serialize] of dates) restore(client.options, t, parse, serialize);
  return { db, url, close: () => client.end({ timeout: 5 }) };
}

/**
 * drizzle runs every query through postgres.js' `unsafe` unprepared, which costs a second round
 * trip (describe, then execute) for each query with parameters. Our statements are a fixed set, so
 * they are prepared once per connection instead, in transactions and savepoints too. (Measured: the
 * onboarding benchmark used 83% of the rate budget with unprepared queries, 95% prepared.)
 */
function preparedStatements<T extends postgres.Sql | postgres.TransactionSql>(sql: T): T {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === "unsafe") {
        return (query: string, args?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, args, { ...options, prepare: true });
      }
      if (prop === "begin" || prop === "savepoint") {
        return (...params: unknown[]) => {
          const fn = params.pop() as (tx: postgres.TransactionSql) => unknown;
          const open = Reflect.get(target, prop, target) as (...a: unknown[]) => unknown;
          return open.call(target, ...params, (tx: postgres.TransactionSql) => fn(preparedStatements(tx)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

type Codec = (value: any) => unknown;

/** Puts a type's codecs back; an absent one is left absent, so postgres.js fills in array types at connect. */
function restore(options: { parsers: Record<number, Codec>; serializers: Record<number, Codec> }, t: number, parse?: Codec, serialize?: Codec): void {
  if (parse) options.parsers[t] = parse;
  else delete options.parsers[t];
  if (serialize) options.serializers[t] = serialize;
  else delete options.serializers[t];
}

/** Runs `fn` in a transaction, or inside the caller's when `db` already is one. */
export function withTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return isTransaction(db) ? fn(db) : db.transaction(fn);
}

function isTransaction(db: Db): db is Tx {
  return "rollback" in db;
}

/** Database work that must answer within `ms` (a health probe, a write that is retried): else it rejects. */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  const timeout = sleep(ms, undefined, { signal: controller.signal }).then(() => {
    throw new Error(`no answer from the database within ${ms} ms`);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    controller.abort();
    timeout.catch(() => {});
  }
}
