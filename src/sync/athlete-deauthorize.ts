import type { Task } from "graphile-worker";
import { z } from "zod";
import { forgetAthlete } from "../athletes/disconnect.js";
import type { AppContext } from "../context.js";
import type { Sql } from "../db/client.js";
import { markAthleteEvents } from "../webhooks/outcomes.js";

const payloadSchema = z.object({ athleteId: z.number().int().positive() });

/**
 * `athlete-deauthorize`: the athlete revoked racesync on Strava. Per Strava's API agreement their
 * data goes: tokens, races and queued jobs; a deauthorized stub row remains.
 */
export function athleteDeauthorizeTask(ctx: AppContext): Task {
  return async (raw) => {
    const { athleteId } = payloadSchema.parse(raw);
    await ctx.sql.begin(async (tx) => {
      await forgetAthlete(tx as unknown as Sql, athleteId);
      await markAthleteEvents(tx as unknown as Sql, athleteId, "deauthorized");
    });
    ctx.log.info({ athleteId }, "athlete deauthorized racesync: tokens, races and queued jobs removed");
  };
}
