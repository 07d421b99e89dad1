import { sql } from "drizzle-orm";
import type { Db } from "./database.js";
import { MatchResult, type CheckedMatchResult } from "./match-result.js";
import { factionStandings, matchParticipants, matches, playerStats, players, quizAnswers } from "./schema.js";

export type WriteOutcome = "written" | "duplicate";

/** Running totals a batch adds to one player's `player_stats` row of one mode. */
interface StatsDelta {
  player_id: string;
  mode: string;
  display_name: string;
  matches: number;
  wins: number;
  total_score: number;
  best_score: number;
  last_played_at: string;
}

/**
 * Writes match results in one transaction: every table of every result, or nothing. The match id
 * is the idempotency key: results already stored are reported "duplicate" and change nothing.
 * Several results per transaction amortise the round trips (a batch of 100 costs about what
 * three single writes cost), which is what lets one node store over a thousand results a second.
 */
export async function writeMatchResults(db: Db, inputs: readonly MatchResult[]): Promise<Map<string, WriteOutcome>> {
  const results = inputs.map((input) => MatchResult.parse(input));
  const outcomes = new Map<string, WriteOutcome>(results.map((r) => [r.matchId, "duplicate"]));
  if (results.length === 0) return outcomes;

  // Each statement takes the whole batch as one JSON parameter that PostgreSQL expands with
  // json_to_recordset: building a multi-row insert value by value costs more CPU than the database.
  return db.transaction(async (tx) => {
    const inserted = rowsOf<{ id: string }>(
      await tx.execute(sql`
        insert into ${matches} (id, mode, status, seed, node, started_at, ended_at, settings, replay, summary)
        select id, mode, status, seed, node, started_at, ended_at, settings::jsonb, replay, summary::jsonb
        from json_to_recordset(${batchJson(
          results.map((r) => ({
            id: r.matchId,
            mode: r.mode,
            status: r.status,
            seed: r.seed,
            node: r.node,
            started_at: r.startedAt,
            ended_at: r.endedAt,
            settings: r.settings,
            replay: r.replay,
            summary: r.summary,
          })),
        )}) as x(id uuid, mode text, status text, seed bigint, node text, started_at timestamptz, ended_at timestamptz,
                 settings text, replay json, summary text)
        on conflict (id) do nothing
        returning id`),
    );
    const fresh = new Set(inserted.map((row) => row.id));
    const written = results.filter((r) => fresh.has(r.matchId));
    for (const r of written) outcomes.set(r.matchId, "written");
    if (written.length === 0) return outcomes;

    // one row per player: a player may appear in several results of a batch (last name wins)
    const newest = new Map<string, { id: string; display_name: string; is_bot: boolean }>();
    for (const r of written) for (const p of r.participants) newest.set(p.playerId, { id: p.playerId, display_name: p.displayName, is_bot: p.isBot });
    if (newest.size > 0) {
      await tx.execute(sql`
        insert into ${players} (id, display_name, is_bot)
        select id, display_name, is_bot from json_to_recordset(${batchJson([...newest.values()])}) as x(id uuid, display_name text, is_bot boolean)
        on conflict (id) do update set display_name = excluded.display_name, last_seen_at = now()`);
    }

    const participantRows = written.flatMap((r) =>
      r.participants.map((p) => ({
        match_id: r.matchId,
        player_id: p.playerId,
        mode: r.mode,
        ended_at: r.endedAt,
        display_name: p.displayName,
        is_bot: p.isBot,
        placement: p.placement,
        score: p.score,
        finish_time_ms: p.finishTimeMs,
        details: p.details,
      })),
    );
    if (participantRows.length > 0) {
      await tx.execute(sql`
        insert into ${matchParticipants} (match_id, player_id, mode, ended_at, display_name, is_bot, placement, score, finish_time_ms, details)
        select match_id, player_id, mode, ended_at, display_name, is_bot, placement, score, finish_time_ms, details::jsonb
        from json_to_recordset(${batchJson(participantRows)}) as x(match_id uuid, player_id uuid, mode text, ended_at timestamptz,
             display_name text, is_bot boolean, placement int, score int, finish_time_ms int, details text)`);
    }

    const stats = statsDeltas(written);
    if (stats.length > 0) {
      await tx.execute(sql`
        insert into ${playerStats} (player_id, mode, display_name, matches, wins, total_score, best_score, last_played_at)
        select player_id, mode, display_name, matches, wins, total_score, best_score, last_played_at
        from json_to_recordset(${batchJson(stats)}) as x(player_id uuid, mode text, display_name text, matches int, wins int,
             total_score bigint, best_score int, last_played_at timestamptz)
        on conflict (player_id, mode) do update set
          display_name = excluded.display_name,
          matches = player_stats.matches + excluded.matches,
          wins = player_stats.wins + excluded.wins,
          total_score = player_stats.total_score + excluded.total_score,
          best_score = greatest(player_stats.best_score, excluded.best_score),
          last_played_at = greatest(player_stats.last_played_at, excluded.last_played_at)`);
    }

    // reputation: deltas of one player summed over the batch, never below zero
    const reputation = new Map<string, number>();
    for (const r of written) {
      for (const p of r.participants) if (p.reputationDelta !== 0) reputation.set(p.playerId, (reputation.get(p.playerId) ?? 0) + p.reputationDelta);
    }
    if (reputation.size > 0) {
      await tx.execute(sql`
        update ${players} set reputation = greatest(0, players.reputation + d.delta)
        from json_to_recordset(${batchJson([...reputation].map(([id, delta]) => ({ id, delta })))}) as d(id uuid, delta int)
        where players.id = d.id`);
    }

    const answers = written.flatMap((r) =>
      (r.quizAnswers ?? []).map((a) => ({
        match_id: r.matchId,
        player_id: a.playerId,
        round: a.round,
        question_id: a.questionId,
        answer: a.answer,
        correct: a.correct,
        response_time_ms: a.responseTimeMs,
        points: a.points,
      })),
    );
    if (answers.length > 0) {
      await tx.execute(sql`
        insert into ${quizAnswers} (match_id, player_id, round, question_id, answer, correct, response_time_ms, points)
        select match_id, player_id, round, question_id, answer, correct, response_time_ms, points
        from json_to_recordset(${batchJson(answers)}) as x(match_id uuid, player_id uuid, round int, question_id text,
             answer double precision, correct boolean, response_time_ms int, points int)`);
    }
    const standings = written.flatMap((r) =>
      (r.factionStandings ?? []).map((f) => ({ match_id: r.matchId, faction: f.faction, placement: f.placement, score: f.score, details: f.details })),
    );
    if (standings.length > 0) {
      await tx.execute(sql`
        insert into ${factionStandings} (match_id, faction, placement, score, details)
        select match_id, faction, placement, score, details::jsonb
        from json_to_recordset(${batchJson(standings)}) as x(match_id uuid, faction text, placement int, score int, details text)`);
    }
    return outcomes;
  });
}

/**
 * One JSON parameter holding a batch of rows. `json`, not `jsonb`: json_to_recordset only checks the
 * text and hands each field to its column type once, where jsonb would parse the whole batch first.
 * Nested JSON fields are declared `text` in the record and cast in the select: json_to_recordset
 * converting a large value straight to a jsonb field took several times as long (measured).
 */
function batchJson(rows: readonly object[]) {
  return sql`${JSON.stringify(rows)}::json`;
}

/** Rows of a raw query, whichever driver ran it (postgres.js gives an array, PGlite `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Leaderboard totals a batch adds: completed matches only, humans only, summed per player and mode. */
function statsDeltas(results: readonly CheckedMatchResult[]): StatsDelta[] {
  const byKey = new Map<string, StatsDelta>();
  for (const r of results) {
    if (r.status !== "completed") continue;
    for (const p of r.participants) {
      if (p.isBot) continue;
      const key = `${p.playerId}|${r.mode}`;
      const delta = byKey.get(key);
      if (!delta) {
        byKey.set(key, {
          player_id: p.playerId,
          mode: r.mode,
          display_name: p.displayName,
          matches: 1,
          wins: p.placement === 1 ? 1 : 0,
          total_score: p.score,
          best_score: p.score,
          last_played_at: r.endedAt,
        });
      } else {
        delta.matches += 1;
        delta.wins += p.placement === 1 ? 1 : 0;
        delta.total_score += p.score;
        delta.best_score = Math.max(delta.best_score, p.score);
        if (Date.parse(r.endedAt) > Date.parse(delta.last_played_at)) {
          delta.last_played_at = r.endedAt;
          delta.display_name = p.displayName;
        }
      }
    }
  }
  return [...byKey.values()];
}

/** Writes one result (a batch of one). */
export async function writeMatchResult(db: Db, input: MatchResult): Promise<WriteOutcome> {
  const outcomes = await writeMatchResults(db, [input]);
  return outcomes.values().next().value ?? "duplicate";
}
