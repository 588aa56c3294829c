import { and, asc, eq, gt, isNotNull, or, sql, type SQL } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.js";
import { athletes } from "../db/schema.js";
import { decryptToken, encryptToken, isCurrent, keyIdOf, TokenDecryptError, type TokenField, type TokenKeys } from "./token-crypto.js";

export interface RotationResult {
  athletes: number;
  reencrypted: number;
  alreadyCurrent: number;
  /** Athletes whose tokens no configured key decrypts (left as they are). */
  failed: number[];
}

const BATCH = 200;
/**
 * A row being refreshed (its lease held) or rewritten between our read and our write is read again
 * a moment later, for at most about 40 s: longer than a lease lasts.
 */
export const ROTATION_RETRY = { tries: 200, waitMs: 200 };

const hasTokens = or(isNotNull(athletes.access_token_enc), isNotNull(athletes.refresh_token_enc))!;

/**
 * Re-encrypts every stored Strava token under `keys.current` (and into the current format), a batch
 * of athletes at a time, reporting progress after each batch. Safe while racesync runs: a row is
 * only written if it still holds what was read, so a concurrent refresh is never overwritten.
 */
export async function rotateTokenKeys(db: Db, keys: TokenKeys, report: (line: string) => void): Promise<RotationResult> {
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(athletes).where(hasTokens);
  const previous = keys.previous ? ` (also reading the previous key ${keyIdOf(keys.previous)})` : "";
  report(`Re-encrypting the Strava tokens of ${n} athletes under key ${keyIdOf(keys.current)}${previous}`);
  const result: RotationResult = { athletes: 0, reencrypted: 0, alreadyCurrent: 0, failed: [] };
  for (let after = 0; ; ) {
    const ids = await db.select({ id: athletes.strava_id }).from(athletes).where(and(hasTokens, gt(athletes.strava_id, after))).orderBy(asc(athletes.strava_id)).limit(BATCH);
    if (ids.length === 0) break;
    for (const { id } of ids) {
      const outcome = await rotateAthlete(db, keys, id).catch((err: unknown) => {
        if (err instanceof TokenDecryptError) return "failed" as const;
        throw err; // a database error stops the run; running it again carries on where it stopped
      });
      if (outcome === "failed") result.failed.push(id);
      else if (outcome === "rewritten") result.reencrypted++;
      else result.alreadyCurrent++;
      result.athletes++;
    }
    after = ids[ids.length - 1]!.id;
    report(`  ${result.athletes}/${n} athletes: ${result.reencrypted} re-encrypted, ${result.alreadyCurrent} already current, ${result.failed.length} failed`);
  }
  return result;
}

type Outcome = "rewritten" | "current" | "failed";

async function rotateAthlete(db: Db, keys: TokenKeys, athleteId: number): Promise<Outcome> {
  for (let tries = 0; tries < ROTATION_RETRY.tries; tries++) {
    const [row] = await db
      .select({ access: athletes.access_token_enc, refresh: athletes.refresh_token_enc })
      .from(athletes)
      .where(eq(athletes.strava_id, athleteId));
    if (!row) return "current"; // gone meanwhile: nothing left to rotate
    const next = { access: reseal(keys, row.access, athleteId, "access"), refresh: reseal(keys, row.refresh, athleteId, "refresh") };
    if (next.access === row.access && next.refresh === row.refresh) return "current";
    const written = await db
      .update(athletes)
      .set({ access_token_enc: next.access, refresh_token_enc: next.refresh })
      .where(and(eq(athletes.strava_id, athleteId), unchanged(athletes.access_token_enc, row.access), unchanged(athletes.refresh_token_enc, row.refresh), notBeingRefreshed(athleteId)))
      .returning({ id: athletes.strava_id });
    if (written.length > 0) return "rewritten";
    await sleep(ROTATION_RETRY.waitMs);
  }
  return "failed";
}

/** The ciphertext under the current key; the same string when it already is. */
export function resealToken(keys: TokenKeys, stored: string, slot: { athleteId: number; field: TokenField }): string {
  return isCurrent(keys, stored) ? stored : encryptToken(keys, decryptToken(keys, stored, slot), slot);
}

function reseal(keys: TokenKeys, stored: string | null, athleteId: number, field: TokenField): string | null {
  return stored === null ? null : resealToken(keys, stored, { athleteId, field });
}

/** A refresh in flight stores its pair in place of the ciphertext it read: that one must not change under it. */
function notBeingRefreshed(athleteId: number): SQL {
  return sql`not exists (select 1 from token_refresh_leases l where l.athlete_id = ${athleteId} and l.expires_at > now())`;
}

function unchanged(column: AnyPgColumn, value: string | null): SQL {
  return sql`${column} is not distinct from ${value}`;
}
