import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { athletes } from "../db/schema.js";
import { connectAthlete } from "./connect.js";
import { parseScopes } from "./scopes.js";
import { outcomes, type Outcome } from "./connect-pages.js";

/** Strava scopes that let racesync read activities; the user may untick them on the consent page. */
const ACTIVITY_SCOPES = ["activity:read", "activity:read_all"];

export function grantsActivities(scope: string | undefined): boolean {
  return parseScopes(scope).some((s) => ACTIVITY_SCOPES.includes(s));
}

/** Exchanges the OAuth code and stores the athlete. Returns the athlete id, or the outcome to show. */
export async function connectWithCode(ctx: AppContext, code: string, scopes: string): Promise<number | Outcome> {
  const tokens = await ctx.strava.exchangeCode(code).catch((err: unknown) => {
    ctx.log.warn({ err }, "Strava token exchange failed");
    return null;
  });
  if (!tokens) return outcomes.stravaFailed();
  if (await isBlocked(ctx, tokens.athlete.id)) return outcomes.blocked();
  const connected = await connectAthlete(ctx, {
    athlete: tokens.athlete,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: tokens.expires_at,
    scopes,
  });
  ctx.log.info({ athleteId: connected.athleteId, isNew: connected.isNew, backfillRunId: connected.backfillRunId }, "athlete connected");
  return connected.athleteId;
}

async function isBlocked(ctx: AppContext, athleteId: number): Promise<boolean> {
  const [row] = await ctx.db.select({ is_blocked: athletes.is_blocked }).from(athletes).where(eq(athletes.strava_id, athleteId));
  return row?.is_blocked ?? false;
}
