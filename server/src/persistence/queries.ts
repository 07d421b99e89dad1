/** Read paths behind the HTTP routes. Each one is an index range read (see the indexes in schema.ts). */
import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import {
  rankFor,
  type HistoryEntry,
  type HistoryQuery,
  type LeaderboardEntry,
  type LeaderboardQuery,
  type MatchResponse,
  type PlayerSummary,
} from "@arena/shared";
import type { Db } from "./database.js";
import { serverMode } from "../modes/index.js";
import { tablesOf } from "../modes/tables.js";
import { matchParticipants, matches, playerRatings, playerStats, players } from "./schema.js";

/**
 * Descending as the board indexes are built (drizzle's `.desc()` is DESC NULLS LAST); a plain
 * `desc` means NULLS FIRST, which no index matches, so every page would sort the whole board.
 */
const downward = (column: AnyPgColumn) => sql`${column} desc nulls last`;

/** The ratings and the stats of one player, mode and season are the same row pair. */
const sameSeasonRow = and(
  eq(playerRatings.playerId, playerStats.playerId),
  eq(playerRatings.mode, playerStats.mode),
  eq(playerRatings.season, playerStats.season),
);

/**
 * One season's board of a mode, as a query (not yet run). By rating it reads `player_ratings` down
 * its board index (ordinal, then player id); the other boards read `player_stats` down theirs.
 * Either way the other table's row of the same player, mode and season comes along.
 */
export function leaderboardQuery(db: Db, mode: string, season: string, query: LeaderboardQuery) {
  const fields = {
    playerId: playerStats.playerId,
    displayName: playerStats.displayName,
    matches: playerStats.matches,
    wins: playerStats.wins,
    totalScore: playerStats.totalScore,
    bestScore: playerStats.bestScore,
    reputation: players.reputation,
    mu: playerRatings.mu,
    sigma: playerRatings.sigma,
    ordinal: playerRatings.ordinal,
    ratedMatches: playerRatings.matches,
  };
  const board =
    query.by === "rating"
      ? db
          .select(fields)
          .from(playerRatings)
          .innerJoin(playerStats, sameSeasonRow)
          .innerJoin(players, eq(players.id, playerRatings.playerId))
          .where(and(eq(playerRatings.mode, mode), eq(playerRatings.season, season)))
          .orderBy(downward(playerRatings.ordinal), asc(playerRatings.playerId))
      : db
          .select(fields)
          .from(playerStats)
          .innerJoin(players, eq(players.id, playerStats.playerId))
          .leftJoin(playerRatings, sameSeasonRow)
          .where(and(eq(playerStats.mode, mode), eq(playerStats.season, season)))
          .orderBy(
            ...{
              total: [downward(playerStats.totalScore), asc(playerStats.playerId)],
              best: [downward(playerStats.bestScore), asc(playerStats.playerId)],
              wins: [downward(playerStats.wins), asc(playerStats.playerId)],
              reputation: [downward(players.reputation), asc(players.id)],
            }[query.by],
          );
  return board.limit(query.limit).offset(query.offset);
}

export async function leaderboard(db: Db, mode: string, season: string, query: LeaderboardQuery): Promise<LeaderboardEntry[]> {
  const rows = await leaderboardQuery(db, mode, season, query);
  return rows.map(({ mu, sigma, ordinal, ratedMatches, ...row }, i) => ({
    position: query.offset + i + 1,
    ...row,
    rank: rankFor(row.reputation),
    rating: mu === null || sigma === null || ordinal === null ? null : { mu, sigma, ordinal, matches: ratedMatches ?? 0 },
  }));
}

export async function findPlayer(db: Db, playerId: string): Promise<PlayerSummary | undefined> {
  const [row] = await db.select().from(players).where(eq(players.id, playerId)).limit(1);
  if (!row) return undefined;
  return { id: row.id, displayName: row.displayName, isBot: row.isBot, reputation: row.reputation, rank: rankFor(row.reputation) };
}

export async function playerHistory(db: Db, playerId: string, query: HistoryQuery): Promise<{ matches: HistoryEntry[]; nextBefore: string | null }> {
  const conditions = [eq(matchParticipants.playerId, playerId)];
  if (query.before) conditions.push(lt(matchParticipants.endedAt, new Date(query.before)));
  if (query.mode) conditions.push(eq(matchParticipants.mode, query.mode));
  const rows = await db
    .select({
      matchId: matchParticipants.matchId,
      mode: matchParticipants.mode,
      status: matches.status,
      endedAt: matchParticipants.endedAt,
      placement: matchParticipants.placement,
      score: matchParticipants.score,
      finishTimeMs: matchParticipants.finishTimeMs,
      details: matchParticipants.details,
    })
    .from(matchParticipants)
    .innerJoin(matches, eq(matches.id, matchParticipants.matchId))
    .where(and(...conditions))
    .orderBy(desc(matchParticipants.endedAt), desc(matchParticipants.matchId))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit).map((row) => ({
    ...row,
    endedAt: row.endedAt.toISOString(),
    details: row.details as Record<string, unknown>,
  }));
  const last = page[page.length - 1];
  return { matches: page, nextBefore: rows.length > query.limit && last ? last.endedAt : null };
}

export async function findMatch(db: Db, matchId: string): Promise<MatchResponse | undefined> {
  const [match] = await db.select().from(matches).where(eq(matches.id, matchId)).limit(1);
  if (!match) return undefined;
  const participants = await db
    .select()
    .from(matchParticipants)
    .where(eq(matchParticipants.matchId, matchId))
    .orderBy(asc(matchParticipants.placement), desc(matchParticipants.score));
  const rows: MatchResponse["rows"] = {};
  for (const table of tablesOf(match.mode)) rows[table.name] = await table.read(db, matchId);
  return {
    matchId: match.id,
    mode: match.mode,
    rulesVersion: match.rulesVersion,
    status: match.status,
    seed: match.seed,
    node: match.node,
    startedAt: match.startedAt.toISOString(),
    endedAt: match.endedAt.toISOString(),
    settings: (serverMode(match.mode)?.publicSettings?.(match.settings, { summary: match.summary as Record<string, unknown> }) ?? match.settings) as Record<string, unknown>,
    summary: match.summary as Record<string, unknown>,
    participants: participants.map((p) => ({
      playerId: p.playerId,
      displayName: p.displayName,
      isBot: p.isBot,
      placement: p.placement,
      score: p.score,
      finishTimeMs: p.finishTimeMs,
      details: p.details as Record<string, unknown>,
    })),
    rows,
  };
}
