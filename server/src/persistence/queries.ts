/** Read paths behind the HTTP routes. Each one is an index range read (see the indexes in schema.ts). */
import { and, asc, desc, eq, lt, type SQL } from "drizzle-orm";
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
import { matchParticipants, matches, playerStats, players } from "./schema.js";

export async function leaderboard(db: Db, mode: string, query: LeaderboardQuery): Promise<LeaderboardEntry[]> {
  const order: SQL[] = {
    total: [desc(playerStats.totalScore), asc(playerStats.playerId)],
    best: [desc(playerStats.bestScore), asc(playerStats.playerId)],
    wins: [desc(playerStats.wins), asc(playerStats.playerId)],
    rating: [desc(players.reputation), asc(players.id)],
  }[query.by];
  const rows = await db
    .select({
      playerId: playerStats.playerId,
      displayName: playerStats.displayName,
      matches: playerStats.matches,
      wins: playerStats.wins,
      totalScore: playerStats.totalScore,
      bestScore: playerStats.bestScore,
      reputation: players.reputation,
    })
    .from(playerStats)
    .innerJoin(players, eq(players.id, playerStats.playerId))
    .where(eq(playerStats.mode, mode))
    .orderBy(...order)
    .limit(query.limit)
    .offset(query.offset);
  return rows.map((row, i) => ({ position: query.offset + i + 1, ...row, rank: rankFor(row.reputation) }));
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
