/**
 * The skill-rating part of a results batch: run inside the batch's transaction on the results that
 * were freshly written, so a match changes ratings exactly once, however often its write is retried.
 */
import { sql } from "drizzle-orm";
import { INITIAL_RATING, ordinalOf, rateMatch, ratedPlayers, seasonSeed, type SkillRating } from "../ratings/ratings.js";
import { batchJson, rowsOf } from "./batch-json.js";
import type { Db, Tx } from "./database.js";
import type { CheckedMatchResult } from "./match-result.js";
import { playerRatings, ratingChanges, seasons } from "./schema.js";

interface RatingKey {
  player_id: string;
  mode: string;
  season: string;
}

type RatingRow = RatingKey & SkillRating;

/** UUIDs come back from the database in lower case. */
const keyOf = (playerId: string, mode: string, season: string) => `${playerId.toLowerCase()}|${mode}|${season}`;
const rowKey = (row: RatingKey) => keyOf(row.player_id, row.mode, row.season);

/** Seasons this process has seen registered, per database: registering is one round trip a batch otherwise. */
const registered = new WeakMap<Db, Set<string>>();

/**
 * Registers the seasons of a batch before its transaction (committed on its own, so a batch that
 * rolls back never leaves this process believing in a season the database lacks). A season
 * starts when the first result of it is stored; ratings are seeded from the season before.
 */
export async function registerSeasons(db: Db, ids: readonly string[]): Promise<void> {
  let known = registered.get(db);
  if (!known) registered.set(db, (known = new Set()));
  const fresh = [...new Set(ids)].filter((id) => !known.has(id));
  if (fresh.length === 0) return;
  await db.execute(sql`
    insert into ${seasons} (id) select id from json_to_recordset(${batchJson(fresh.map((id) => ({ id })))}) as x(id text)
    on conflict (id) do nothing`);
  for (const id of fresh) known.add(id);
}

/** A concurrent batch rated a player new to the season first: this batch must be retried (it changes nothing). */
export class RatingConflict extends Error {
  constructor(count: number) {
    super(`${count} new rating(s) were created by a concurrent batch; retry the batch`);
    this.name = "RatingConflict";
  }
}

/**
 * Rates the matches of `written` in their order (their seasons registered with `registerSeasons`): reads every rated player's current rating under a
 * row lock (concurrent batches of the same players wait for each other, and lock in one order),
 * seeds a player new to the season from their last season, and stores the ratings after and each
 * match's before/after in `rating_changes`. New rows are inserted once with their final values
 * (an insert and then an update cost twice the writes); should a concurrent batch have created
 * one of them meanwhile, the whole batch fails with RatingConflict and the writer retries it.
 */
export async function applyRatings(tx: Tx, written: readonly CheckedMatchResult[]): Promise<void> {
  const rated = written.filter((r) => ratedPlayers({ status: r.status, standings: r.participants }).length > 0);
  if (rated.length === 0) return;

  const keys = new Map<string, RatingKey>();
  for (const r of rated) {
    for (const p of ratedPlayers({ status: r.status, standings: r.participants })) {
      const key = { player_id: p.playerId.toLowerCase(), mode: r.mode, season: r.season };
      keys.set(rowKey(key), key);
    }
  }
  const sortedKeys = [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key);

  const current = new Map<string, SkillRating>();
  for (const row of await lockedRatings(tx, sortedKeys)) current.set(rowKey(row), { mu: row.mu, sigma: row.sigma });
  const existing = new Set(current.keys());
  const newcomers = sortedKeys.filter((key) => !existing.has(rowKey(key)));
  if (newcomers.length > 0) {
    const previous = await previousSeasonRatings(tx, newcomers);
    for (const key of newcomers) current.set(rowKey(key), seasonSeed(previous.get(rowKey(key))));
  }

  const changes: Array<Record<string, unknown>> = [];
  const counts = new Map<string, number>();
  for (const r of rated) {
    const ratingOf = (playerId: string) => current.get(keyOf(playerId, r.mode, r.season)) ?? { ...INITIAL_RATING };
    for (const change of rateMatch({ status: r.status, standings: r.participants }, ratingOf)) {
      const key = keyOf(change.playerId, r.mode, r.season);
      current.set(key, change.after);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      changes.push({
        match_id: r.matchId,
        player_id: change.playerId,
        mode: r.mode,
        season: r.season,
        team: change.team,
        mu_before: change.before.mu,
        sigma_before: change.before.sigma,
        mu_after: change.after.mu,
        sigma_after: change.after.sigma,
        ended_at: r.endedAt,
      });
    }
  }

  const rowOf = (key: RatingKey) => {
    const rating = current.get(rowKey(key))!;
    return { ...key, ...rating, ordinal: ordinalOf(rating), matches: counts.get(rowKey(key)) ?? 0 };
  };
  const updates = sortedKeys.filter((key) => existing.has(rowKey(key))).map(rowOf);
  if (updates.length > 0) {
    await tx.execute(sql`
      update ${playerRatings} as r set mu = x.mu, sigma = x.sigma, ordinal = x.ordinal, matches = r.matches + x.matches, updated_at = now()
      from json_to_recordset(${batchJson(updates)}) as x(player_id uuid, mode text, season text, mu float8, sigma float8, ordinal float8, matches int)
      where r.player_id = x.player_id and r.mode = x.mode and r.season = x.season`);
  }
  if (newcomers.length > 0) {
    const [inserted] = rowsOf<{ count: number }>(
      await tx.execute(sql`
        with inserted as (
          insert into ${playerRatings} (player_id, mode, season, mu, sigma, ordinal, matches)
          select player_id, mode, season, mu, sigma, ordinal, matches
          from json_to_recordset(${batchJson(newcomers.map(rowOf))}) as x(player_id uuid, mode text, season text, mu float8, sigma float8, ordinal float8, matches int)
          on conflict (player_id, mode, season) do nothing
          returning 1)
        select count(*)::int as count from inserted`),
    );
    const created = inserted?.count ?? 0;
    if (created < newcomers.length) throw new RatingConflict(newcomers.length - created);
  }
  await tx.execute(sql`
    insert into ${ratingChanges} (match_id, player_id, mode, season, team, mu_before, sigma_before, mu_after, sigma_after, ended_at)
    select match_id, player_id, mode, season, team, mu_before, sigma_before, mu_after, sigma_after, ended_at
    from json_to_recordset(${batchJson(changes)}) as x(match_id uuid, player_id uuid, mode text, season text, team text,
         mu_before float8, sigma_before float8, mu_after float8, sigma_after float8, ended_at timestamptz)`);
}

/** Each key's rating in the latest season that started before the key's season (none for a newcomer). */
async function previousSeasonRatings(tx: Tx, keys: readonly RatingKey[]): Promise<Map<string, SkillRating>> {
  const rows = rowsOf<RatingRow>(
    await tx.execute(sql`
      select distinct on (k.player_id, k.mode, k.season) k.player_id, k.mode, k.season, r.mu, r.sigma
      from json_to_recordset(${batchJson(keys)}) as k(player_id uuid, mode text, season text)
      join ${seasons} cur on cur.id = k.season
      join ${playerRatings} r on r.player_id = k.player_id and r.mode = k.mode
      join ${seasons} s on s.id = r.season and s.started_at < cur.started_at
      order by k.player_id, k.mode, k.season, s.started_at desc`),
  );
  return new Map(rows.map((row) => [rowKey(row), { mu: row.mu, sigma: row.sigma }]));
}

/** The keys' current ratings, locked until the transaction ends; locked in key order so two batches never deadlock here. */
async function lockedRatings(tx: Tx, keys: readonly RatingKey[]): Promise<RatingRow[]> {
  return rowsOf<RatingRow>(
    await tx.execute(sql`
      select r.player_id, r.mode, r.season, r.mu, r.sigma
      from ${playerRatings} r
      join json_to_recordset(${batchJson(keys)}) as k(player_id uuid, mode text, season text)
        on r.player_id = k.player_id and r.mode = k.mode and r.season = k.season
      order by r.player_id, r.mode, r.season
      for update of r`),
  );
}
