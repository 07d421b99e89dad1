import { sql } from "drizzle-orm";
import type { ModeTable } from "../kit/mode-table.js";
import { MODE_TABLES } from "../modes/tables.js";
import { batchJson, rowsOf } from "./batch-json.js";
import type { Db } from "./database.js";
import { MatchResult, type CheckedMatchResult } from "./match-result.js";
import { applyRatings, registerSeasons } from "./ratings-store.js";
import { matchParticipants, matches, playerStats, players } from "./schema.js";

export type WriteOutcome = "written" | "duplicate";

/** Running totals a batch adds to one player's `player_stats` row of one mode and season. */
interface StatsDelta {
  player_id: string;
  mode: string;
  season: string;
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
export async function writeMatchResults(
  db: Db,
  inputs: readonly MatchResult[],
  tables: readonly ModeTable[] = MODE_TABLES,
): Promise<Map<string, WriteOutcome>> {
  const results = inputs.map((input) => checkRows(MatchResult.parse(input), tables));
  const outcomes = new Map<string, WriteOutcome>(results.map((r) => [r.matchId, "duplicate"]));
  if (results.length === 0) return outcomes;
  await registerSeasons(db, results.map((r) => r.season));

  // Each statement takes the whole batch as one JSON parameter that PostgreSQL expands with
  // json_to_recordset: building a multi-row insert value by value costs more CPU than the database.
  return db.transaction(async (tx) => {
    const inserted = rowsOf<{ id: string }>(
      await tx.execute(sql`
        insert into ${matches} (id, mode, rules_version, status, seed, node, started_at, ended_at, settings, replay, summary)
        select id, mode, rules_version, status, seed, node, started_at, ended_at, settings::jsonb, replay, summary::jsonb
        from json_to_recordset(${batchJson(
          results.map((r) => ({
            id: r.matchId,
            mode: r.mode,
            rules_version: r.rulesVersion,
            status: r.status,
            seed: r.seed,
            node: r.node,
            started_at: r.startedAt,
            ended_at: r.endedAt,
            settings: r.settings,
            replay: r.replay,
            summary: r.summary,
          })),
        )}) as x(id uuid, mode text, rules_version int, status text, seed bigint, node text, started_at timestamptz, ended_at timestamptz,
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
      // rows in id order: concurrent batches of the same players lock them in one order and never deadlock
      await tx.execute(sql`
        insert into ${players} (id, display_name, is_bot)
        select id, display_name, is_bot from json_to_recordset(${batchJson(inKeyOrder(newest))}) as x(id uuid, display_name text, is_bot boolean)
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
        insert into ${playerStats} (player_id, mode, season, display_name, matches, wins, total_score, best_score, last_played_at)
        select player_id, mode, season, display_name, matches, wins, total_score, best_score, last_played_at
        from json_to_recordset(${batchJson(stats)}) as x(player_id uuid, mode text, season text, display_name text, matches int, wins int,
             total_score bigint, best_score int, last_played_at timestamptz)
        on conflict (player_id, mode, season) do update set
          display_name = excluded.display_name,
          matches = player_stats.matches + excluded.matches,
          wins = player_stats.wins + excluded.wins,
          total_score = player_stats.total_score + excluded.total_score,
          best_score = greatest(player_stats.best_score, excluded.best_score),
          last_played_at = greatest(player_stats.last_played_at, excluded.last_played_at)`);
    }

    await applyRatings(tx, written);

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

    for (const table of tables) {
      const rows = written.flatMap((r) => (r.rows[table.name] ?? []).map((row) => ({ ...row, matchId: r.matchId })));
      if (rows.length > 0) await table.write(tx, rows);
    }
    return outcomes;
  });
}

/** Leaderboard totals a batch adds: completed matches only, humans only, summed per player, mode and season. */
function statsDeltas(results: readonly CheckedMatchResult[]): StatsDelta[] {
  const byKey = new Map<string, StatsDelta>();
  for (const r of results) {
    if (r.status !== "completed") continue;
    for (const p of r.participants) {
      if (p.isBot) continue;
      const key = `${p.playerId}|${r.mode}|${r.season}`;
      const delta = byKey.get(key);
      if (!delta) {
        byKey.set(key, {
          player_id: p.playerId,
          mode: r.mode,
          season: r.season,
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
  return inKeyOrder(byKey);
}

/** A map's values in the order of its keys (the order rows are locked in). */
function inKeyOrder<T>(rows: ReadonlyMap<string, T>): T[] {
  return [...rows.keys()].sort().map((key) => rows.get(key)!);
}

/** Checks the rows of the mode's own tables; a table nobody knows is a programming error, not data to drop. */
function checkRows(result: CheckedMatchResult, tables: readonly ModeTable[]): CheckedMatchResult {
  for (const [name, rows] of Object.entries(result.rows)) {
    const table = tables.find((t) => t.name === name);
    if (!table) throw new Error(`match ${result.matchId}: rows for unknown table "${name}"`);
    result.rows[name] = rows.map((row) => table.row.parse(row));
  }
  return result;
}

/** Writes one result (a batch of one). */
export async function writeMatchResult(db: Db, input: MatchResult): Promise<WriteOutcome> {
  const outcomes = await writeMatchResults(db, [input]);
  return outcomes.values().next().value ?? "duplicate";
}
