import { connectAthlete } from "../../src/athletes/connect.js";
import { setShareOnBoard } from "../../src/athletes/me.js";
import type { AppContext } from "../../src/context.js";
import type { HistoryOptions, Simulator } from "../../src/simulator/index.js";

export interface SimAthleteOptions {
  /** Connect this simulated athlete instead of seeding a new one. */
  athleteId?: number;
  firstname?: string;
  /** Scopes the athlete grants (default read,activity:read_all). */
  scopes?: string;
  /** Activities seeded into the athlete's Strava history before connecting. */
  history?: HistoryOptions;
  /** The athlete's answer to "show my races on the club board" (default yes; null: not asked yet). */
  shareOnBoard?: boolean | null;
}

export interface ConnectedAthlete {
  athleteId: number;
  accessToken: string;
  refreshToken: string;
  /** The history backfill the connection queued (null when none was). */
  backfillRunId: number | null;
}

/**
 * Seeds (or reuses) an athlete in the simulator and connects it through racesync's own verb, as
 * the OAuth callback does: tokens stored encrypted, backfill queued.
 */
export async function connectSimAthlete(ctx: AppContext, sim: Simulator, opts: SimAthleteOptions = {}): Promise<ConnectedAthlete> {
  const athlete = opts.athleteId ? sim.athlete(opts.athleteId) : sim.seedAthlete({ firstname: opts.firstname, scopes: opts.scopes });
  if (opts.history) sim.seedHistory(athlete.id, opts.history);
  const tokens = sim.issueTokens(athlete.id, opts.scopes);
  const { backfillRunId } = await connectAthlete(ctx, {
    athlete: { id: athlete.id, firstname: athlete.firstname, lastname: athlete.lastname },
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: tokens.expires_at,
    scopes: opts.scopes ?? "read,activity:read_all",
  });
  const share = opts.shareOnBoard === undefined ? true : opts.shareOnBoard;
  if (share !== null) await setShareOnBoard(ctx.db, athlete.id, share);
  return { athleteId: athlete.id, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, backfillRunId };
}
