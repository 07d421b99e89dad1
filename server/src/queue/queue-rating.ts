/**
 * The rating a player queues with: their conservative ordinal in the mode and season. A player new
 * to the season starts from their last season's rating as the results store will seed it (sigma
 * widened); a newcomer at the default. One indexed read per queue join.
 */
import { sql } from "drizzle-orm";
import { rowsOf } from "../persistence/batch-json.js";
import type { Db } from "../persistence/database.js";
import { playerRatings, seasons } from "../persistence/schema.js";
import { INITIAL_RATING, ordinalOf, seasonSeed } from "../ratings/ratings.js";

export async function queueRating(db: Db, playerId: string, mode: string, season: string): Promise<number> {
  const [row] = rowsOf<{ season: string; mu: number; sigma: number; ordinal: number }>(
    await db.execute(sql`
      select r.season, r.mu, r.sigma, r.ordinal
      from ${playerRatings} r
      left join ${seasons} s on s.id = r.season
      where r.player_id = ${playerId} and r.mode = ${mode}
        and (r.season = ${season} or s.started_at < coalesce((select started_at from ${seasons} where id = ${season}), now()))
      order by (r.season = ${season}) desc, s.started_at desc nulls last
      limit 1`),
  );
  if (!row) return ordinalOf(INITIAL_RATING);
  return row.season === season ? row.ordinal : ordinalOf(seasonSeed({ mu: row.mu, sigma: row.sigma }));
}
