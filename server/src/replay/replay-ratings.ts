/**
 * The rating part of a replay: the stored ratings before the match, run through the same pure
 * update with the replayed standings, must give the stored ratings after, to the last bit.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../persistence/database.js";
import { ratingChanges } from "../persistence/schema.js";
import { INITIAL_RATING, rateMatch, type RatedStanding, type SkillRating } from "../ratings/ratings.js";

const ratingLine = (playerId: string, before: SkillRating, after: SkillRating) =>
  `rating ${playerId}: mu ${before.mu} -> ${after.mu}, sigma ${before.sigma} -> ${after.sigma}`;

/** Stored and replayed rating lines of one match (both empty for a match that changed no rating). */
export async function ratingReplayLines(
  db: Db,
  matchId: string,
  replayed: { status: string; standings: readonly RatedStanding[] },
): Promise<{ stored: string[]; replayed: string[] }> {
  const rows = await db.select().from(ratingChanges).where(eq(ratingChanges.matchId, matchId));
  const before = new Map(rows.map((row) => [row.playerId, { mu: row.muBefore, sigma: row.sigmaBefore }]));
  // a player the stored match did not rate has no stored rating before: the line differs either way
  const changes = rateMatch(replayed, (playerId) => before.get(playerId.toLowerCase()) ?? { ...INITIAL_RATING });
  return {
    stored: rows.map((row) => ratingLine(row.playerId, { mu: row.muBefore, sigma: row.sigmaBefore }, { mu: row.muAfter, sigma: row.sigmaAfter })),
    replayed: changes.map((c) => ratingLine(c.playerId.toLowerCase(), c.before, c.after)),
  };
}
