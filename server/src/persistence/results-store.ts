import { eq, sql } from "drizzle-orm";
import type { Db } from "./database.js";
import { MatchResult } from "./match-result.js";
import { factionStandings, matchParticipants, matches, playerStats, players, quizAnswers } from "./schema.js";

export type WriteOutcome = "written" | "duplicate";

/**
 * Writes one match result in one transaction. The match id is the idempotency key:
 * a second write of the same match changes nothing and reports "duplicate".
 */
export async function writeMatchResult(db: Db, input: MatchResult): Promise<WriteOutcome> {
  const result = MatchResult.parse(input);
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(matches)
      .values({
        id: result.matchId,
        mode: result.mode,
        status: result.status,
        seed: result.seed,
        node: result.node,
        startedAt: new Date(result.startedAt),
        endedAt: new Date(result.endedAt),
        settings: result.settings,
        replay: result.replay,
        summary: result.summary,
      })
      .onConflictDoNothing({ target: matches.id })
      .returning({ id: matches.id });
    if (inserted.length === 0) return "duplicate";

    if (result.participants.length > 0) {
      await tx
        .insert(players)
        .values(result.participants.map((p) => ({ id: p.playerId, displayName: p.displayName, isBot: p.isBot })))
        .onConflictDoUpdate({
          target: players.id,
          set: { displayName: sql`excluded.display_name`, lastSeenAt: sql`now()` },
        });
      const endedAt = new Date(result.endedAt);
      await tx.insert(matchParticipants).values(
        result.participants.map((p) => ({
          matchId: result.matchId,
          playerId: p.playerId,
          mode: result.mode,
          endedAt,
          displayName: p.displayName,
          isBot: p.isBot,
          placement: p.placement,
          score: p.score,
          finishTimeMs: p.finishTimeMs,
          details: p.details,
        })),
      );
      // leaderboard totals: completed matches only, humans only
      const ranked = result.status === "completed" ? result.participants.filter((p) => !p.isBot) : [];
      if (ranked.length > 0) {
        await tx
          .insert(playerStats)
          .values(
            ranked.map((p) => ({
              playerId: p.playerId,
              mode: result.mode,
              displayName: p.displayName,
              matches: 1,
              wins: p.placement === 1 ? 1 : 0,
              totalScore: p.score,
              bestScore: p.score,
              lastPlayedAt: endedAt,
            })),
          )
          .onConflictDoUpdate({
            target: [playerStats.playerId, playerStats.mode],
            set: {
              displayName: sql`excluded.display_name`,
              matches: sql`${playerStats.matches} + 1`,
              wins: sql`${playerStats.wins} + excluded.wins`,
              totalScore: sql`${playerStats.totalScore} + excluded.total_score`,
              bestScore: sql`greatest(${playerStats.bestScore}, excluded.best_score)`,
              lastPlayedAt: sql`greatest(${playerStats.lastPlayedAt}, excluded.last_played_at)`,
            },
          });
      }
      for (const p of result.participants) {
        if (p.reputationDelta === 0) continue;
        await tx
          .update(players)
          .set({ reputation: sql`greatest(0, ${players.reputation} + ${p.reputationDelta})` })
          .where(eq(players.id, p.playerId));
      }
    }
    if (result.quizAnswers && result.quizAnswers.length > 0) {
      await tx.insert(quizAnswers).values(result.quizAnswers.map((a) => ({ matchId: result.matchId, ...a })));
    }
    if (result.factionStandings && result.factionStandings.length > 0) {
      await tx
        .insert(factionStandings)
        .values(result.factionStandings.map((f) => ({ matchId: result.matchId, ...f })));
    }
    return "written";
  });
}
