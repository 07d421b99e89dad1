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

/**
 * Running totals per player and mode, updated in the same transaction as each match, so a
 * leaderboard page is an index range read instead of an aggregation over every match.
 */
export const playerStats = pgTable(
  "player_stats",
  {
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id),
    mode: text("mode").notNull(),
    displayName: text("display_name").notNull(),
    matches: integer("matches").notNull().default(0),
    wins: integer("wins").notNull().default(0),
    totalScore: bigint("total_score", { mode: "number" }).notNull().default(0),
    bestScore: integer("best_score").notNull().default(0),
    lastPlayedAt: timestamp("last_played_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.playerId, table.mode] }),
    index("player_stats_mode_total_idx").on(table.mode, table.totalScore.desc(), table.playerId),
    index("player_stats_mode_best_idx").on(table.mode, table.bestScore.desc(), table.playerId),
    index("player_stats_mode_wins_idx").on(table.mode, table.wins.desc(), table.playerId),
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
    matchId: uuid("match_id")
      .notNull()
      .references(() => matches.id, { onDelete: "cascade" }),
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id),
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

/** The quiz question bank. `kind` is "choice" (one correct option) or "number" (closest to the target wins). */
export const quizQuestions = pgTable(
  "quiz_questions",
  {
    id: text("id").primaryKey(),
    category: text("category").notNull(),
    kind: text("kind").notNull(),
    prompt: text("prompt").notNull(),
    /** Choice questions: the options shown to players. */
    options: jsonb("options").$type<string[]>(),
    /** Choice questions: index of the correct option. Never sent to clients before the round closes. */
    correctIndex: integer("correct_index"),
    /** Number questions: the hidden target and the range players pick from. */
    target: doublePrecision("target"),
    minValue: doublePrecision("min_value"),
    maxValue: doublePrecision("max_value"),
    active: boolean("active").notNull().default(true),
  },
  (table) => [index("quiz_questions_category_idx").on(table.category, table.kind)],
);

/** Every answer given in a quiz match, timed by the server. */
export const quizAnswers = pgTable(
  "quiz_answers",
  {
    matchId: uuid("match_id")
      .notNull()
      .references(() => matches.id, { onDelete: "cascade" }),
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id),
    round: integer("round").notNull(),
    questionId: text("question_id")
      .notNull()
      .references(() => quizQuestions.id),
    /** The option index or the number picked. */
    answer: doublePrecision("answer").notNull(),
    correct: boolean("correct").notNull(),
    responseTimeMs: integer("response_time_ms").notNull(),
    points: integer("points").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.matchId, table.playerId, table.round] }),
    index("quiz_answers_question_idx").on(table.questionId),
  ],
);

/** Final standing of each faction in a war match. */
export const factionStandings = pgTable(
  "faction_standings",
  {
    matchId: uuid("match_id")
      .notNull()
      .references(() => matches.id, { onDelete: "cascade" }),
    faction: text("faction").notNull(),
    placement: integer("placement").notNull(),
    score: integer("score").notNull(),
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
  },
  (table) => [primaryKey({ columns: [table.matchId, table.faction] })],
);

export const schema = { players, playerStats, matches, matchParticipants, quizQuestions, quizAnswers, factionStandings };
