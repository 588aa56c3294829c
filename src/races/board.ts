import { sql } from "drizzle-orm";
import { withTransaction, type Db } from "../db/client.js";
import { publishAll, type FeedMessage } from "../stream/feed.js";
import { raceJsonSql, type RaceJson } from "./json.js";
import { raceOnBoardSql } from "./rules.js";

/**
 * Runs `change`, which moves an athlete on or off the club board (their consent, an admin's hide
 * or block), in one transaction with the athlete row locked, then tells the dashboards about every
 * race of theirs that came onto the board (race.upserted) or left it (race.removed for those who
 * may no longer see it), as the change commits.
 */
export function changeBoardStanding<T>(db: Db, athleteId: number, change: (tx: Db) => Promise<T>): Promise<T> {
  return withTransaction(db, async (tx) => {
    await tx.execute(sql`select 1 from athletes where strava_id = ${athleteId} for update`);
    const before = new Map((await boardOf(tx, athleteId)).map((r) => [r.race.strava_activity_id, r.on_board]));
    const result = await change(tx);
    const moved = (await boardOf(tx, athleteId)).filter((r) => before.get(r.race.strava_activity_id) !== r.on_board);
    await publishAll(tx, moved.map((r): FeedMessage => ({
      event: "race.upserted",
      athlete_id: athleteId,
      board: { before: before.get(r.race.strava_activity_id) === true, after: r.on_board },
      data: r.race,
    })));
    return result;
  });
}

/** The athlete's races (not soft-removed) and whether each is on the board. */
function boardOf(db: Db, athleteId: number) {
  return db.execute<{ on_board: boolean; race: RaceJson }>(sql`
    select ${raceOnBoardSql()} as on_board, ${raceJsonSql} as race
    from races r join athletes a on a.strava_id = r.athlete_id
    where r.athlete_id = ${athleteId} and r.removed_at is null`);
}
