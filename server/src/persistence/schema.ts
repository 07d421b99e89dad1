import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";

/** A player as known across matches: guests and bots. */
export const players = pgTable("players", {
  id: uuid("id").primaryKey(),
  displayName: text("display_name").notNull(),
  isBot: boolean("is_bot").notNull().default(false),
  reputation: integer("reputation").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
}, (table) => [index("players_reputation_idx").on(table.reputation.desc(), table.id)]);

/** A row's player: every player of a match is a row in `players`. */
const playerIdColumn = () =>
  uuid("player_id")
    .notNull()
    .references(() => players.id);

/** A row's match: removed with the match. */
const matchIdColumn = () =>
  uuid("match_id")
    .notNull()
    .references((): AnyPgColumn => matches.id, { onDelete: "cascade" });

/**
 * Running totals per player, mode and season, updated in the same transaction as each match, so a
 * leaderboard page is an index range read instead of an aggregation over every match.
 */
export const playerStats = pgTable(
  "player_stats",
  {
    playerId: playerIdColumn(),
    mode: text("mode").notNull(),
    /** Totals from before seasons existed belong to the first season. */
    season: text("season").notNull().default("s1"),
    displayName: text("display_name").notNull(),
    matches: integer("matches").notNull().default(0),
    wins: integer("wins").notNull().default(0),
    totalScore: bigint("total_score", { mode: "number" }).notNull().default(0),
    bestScore: integer("best_score").notNull().default(0),
    lastPlayedAt: timestamp("last_played_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.playerId, table.mode, table.season] }),
    index("player_stats_mode_total_idx").on(table.mode, table.season, table.totalScore.desc(), table.playerId),
    index("player_stats_mode_best_idx").on(table.mode, table.season, table.bestScore.desc(), table.playerId),
    index("player_stats_mode_wins_idx").on(table.mode, table.season, table.wins.desc(), table.playerId),
  ],
);

/** Every season results were stored for, in the order they started (a rating is seeded from the one before). */
export const seasons = pgTable("seasons", {
  id: text("id").primaryKey(),
  /** When its first result was stored. */
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A human's skill rating in one mode and season, updated in the same transaction as each rated
 * match. `ordinal` (mu − 3 sigma) is stored for the leaderboard's index.
 */
export const playerRatings = pgTable(
  "player_ratings",
  {
    playerId: playerIdColumn(),
    mode: text("mode").notNull(),
    /**
     * A season of `seasons`, not declared as a foreign key: each row's check would take a share
     * lock on the one season row, which concurrent batches then contend for (measured: the ratings
     * insert took twice as long with it, four batches of 100 in flight).
     */
    season: text("season").notNull(),
    mu: doublePrecision("mu").notNull(),
    sigma: doublePrecision("sigma").notNull(),
    ordinal: doublePrecision("ordinal").notNull(),
    /** Rated matches this season. */
    matches: integer("matches").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.playerId, table.mode, table.season] }),
    index("player_ratings_board_idx").on(table.mode, table.season, table.ordinal.desc(), table.playerId),
  ],
);

/** Each rated player's rating before and after one match: the history, and what the replay re-computes. */
export const ratingChanges = pgTable(
  "rating_changes",
  {
    matchId: matchIdColumn(),
    playerId: playerIdColumn(),
    mode: text("mode").notNull(),
    season: text("season").notNull(),
    team: text("team"),
    muBefore: doublePrecision("mu_before").notNull(),
    sigmaBefore: doublePrecision("sigma_before").notNull(),
    muAfter: doublePrecision("mu_after").notNull(),
    sigmaAfter: doublePrecision("sigma_after").notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.matchId, table.playerId] }),
    // history: a player's rating over time in a mode
    index("rating_changes_player_idx").on(table.playerId, table.mode, table.endedAt.desc()),
  ],
);

/** One finished (or aborted) match. Its id is the idempotency key of every write. */
export const matches = pgTable(
  "matches",
  {
    id: uuid("id").primaryKey(),
    mode: text("mode").notNull(),
    status: text("status").notNull(),
    seed: bigint("seed", { mode: "number" }).notNull(),
    node: text("node").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }).notNull(),
    /** Mode settings the match was created with (track length, lanes, ...). */
    settings: jsonb("settings").notNull(),
    /**
     * What replay needs besides the seed and settings: the players and the input log. `json`, not
     * `jsonb`: a replay is written once and read whole, never queried into, and storing it as
     * checked text (lz4-compressed, see migration 0004) costs a fraction of building jsonb.
     */
    replay: json("replay").notNull(),
    /** Version of the mode's rules the match was played with; a replay needs the same rules. */
    rulesVersion: integer("rules_version").notNull().default(1),
    /** Mode-specific summary (e.g. faction standings). */
    summary: jsonb("summary").notNull().default(sql`'{}'::jsonb`),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("matches_mode_ended_idx").on(table.mode, table.endedAt.desc()),
    index("matches_status_ended_idx").on(table.status, table.endedAt.desc()),
  ],
);

/** A player's part in a match. `mode` and `ended_at` are copied from the match for the read paths. */
export const matchParticipants = pgTable(
  "match_participants",
  {
    matchId: matchIdColumn(),
    playerId: playerIdColumn(),
    mode: text("mode").notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }).notNull(),
    displayName: text("display_name").notNull(),
    isBot: boolean("is_bot").notNull().default(false),
    placement: integer("placement").notNull(),
    score: integer("score").notNull(),
    finishTimeMs: integer("finish_time_ms"),
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
  },
  (table) => [
    primaryKey({ columns: [table.matchId, table.playerId] }),
    // leaderboard: best scores of a mode
    index("participants_mode_score_idx").on(table.mode, table.score.desc(), table.endedAt.desc()),
    // history: a player's recent matches
    index("participants_player_ended_idx").on(table.playerId, table.endedAt.desc()),
  ],
);

export const schema = { players, playerStats, seasons, playerRatings, ratingChanges, matches, matchParticipants };
