import { z } from "zod";
import { MODE_NAMES, SEASON_ID_PATTERN } from "@arena/shared";

/** The season of results that name none (stored before seasons existed); SEASON's default. */
export const FIRST_SEASON = "s1";

export const SeasonId = z.string().regex(SEASON_ID_PATTERN, "must be a season id such as s1 (lower-case letters, digits, - and _)");

/** One player's part in a finished match. */
export const ParticipantResult = z.object({
  playerId: z.uuid(),
  displayName: z.string(),
  isBot: z.boolean(),
  /** 1-based; ties share a placement. */
  placement: z.number().int().min(1),
  score: z.number().int(),
  finishTimeMs: z.number().int().min(0).nullable(),
  details: z.record(z.string(), z.unknown()),
  /** Added to the player's reputation when the result is stored. */
  reputationDelta: z.number().int().default(0),
  /** Left before the end: counts as last for the skill rating. */
  leftEarly: z.boolean().default(false),
  /** The player's team (a war faction): teammates win and lose their rating together. */
  team: z.string().min(1).max(32).nullable().default(null),
});
export type ParticipantResult = z.input<typeof ParticipantResult>;

const Row = z.record(z.string(), z.unknown());

/** Results written before mode tables existed kept a quiz's answers and a war's standings in fields of their own. */
const LEGACY_ROW_FIELDS = { quizAnswers: "quiz_answers", factionStandings: "faction_standings" } as const;

function upgradeLegacyRows(input: unknown): unknown {
  if (!input || typeof input !== "object") return input;
  const record = { ...(input as Record<string, unknown>) };
  for (const [field, table] of Object.entries(LEGACY_ROW_FIELDS)) {
    if (!Array.isArray(record[field])) continue;
    const rows = (record.rows && typeof record.rows === "object" ? { ...(record.rows as object) } : {}) as Record<string, unknown>;
    rows[table] ??= record[field];
    record.rows = rows;
    delete record[field];
  }
  return record;
}

/**
 * Everything a room hands to the results writer when a match ends: enough to store it,
 * to rank players, and to replay it from the seed, the rules version and the input log.
 */
const MatchResultShape = z.object({
  matchId: z.uuid(),
  mode: z.enum(MODE_NAMES as [string, ...string[]]),
  /** Version of the mode's rules the match was played with (1: before versions were recorded). */
  rulesVersion: z.number().int().min(1).default(1),
  status: z.enum(["completed", "aborted"]),
  /** The season the match counts for (its stats and ratings): the server's SEASON when it ended. */
  season: SeasonId.default(FIRST_SEASON),
  seed: z.number().int().min(0).max(0xffffffff),
  node: z.string(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  settings: z.record(z.string(), z.unknown()),
  replay: z.record(z.string(), z.unknown()),
  summary: z.record(z.string(), z.unknown()),
  participants: z.array(ParticipantResult),
  /** Rows of the mode's own tables, by table name; each row is checked by its table. */
  rows: z.record(z.string(), z.array(Row)).default({}),
});
export const MatchResult = z.preprocess(upgradeLegacyRows, MatchResultShape);
/** What rooms build (defaults may be left out). */
export type MatchResult = z.input<typeof MatchResultShape>;
/** What the writer stores, after validation. */
export type CheckedMatchResult = z.output<typeof MatchResult>;
