import { z } from "zod";
import { GameMode } from "@arena/shared";

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
  /** Added to the player's reputation when the result is stored (war). */
  reputationDelta: z.number().int().default(0),
});
export type ParticipantResult = z.input<typeof ParticipantResult>;

/** One quiz answer, stored in `quiz_answers`. */
export const QuizAnswerRecord = z.object({
  playerId: z.uuid(),
  round: z.number().int().min(1),
  questionId: z.string().min(1),
  answer: z.number(),
  correct: z.boolean(),
  responseTimeMs: z.number().int().min(0),
  points: z.number().int(),
});
export type QuizAnswerRecord = z.infer<typeof QuizAnswerRecord>;

/** One faction's final standing, stored in `faction_standings`. */
export const FactionStandingRecord = z.object({
  faction: z.string().min(1),
  placement: z.number().int().min(1),
  score: z.number().int(),
  details: z.record(z.string(), z.unknown()),
});
export type FactionStandingRecord = z.infer<typeof FactionStandingRecord>;

/**
 * Everything a room hands to the results writer when a match ends: enough to store it,
 * to rank players, and to replay it from the seed and the input log.
 */
export const MatchResult = z.object({
  matchId: z.uuid(),
  mode: GameMode,
  status: z.enum(["completed", "aborted"]),
  seed: z.number().int().min(0).max(0xffffffff),
  node: z.string(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  settings: z.record(z.string(), z.unknown()),
  replay: z.record(z.string(), z.unknown()),
  summary: z.record(z.string(), z.unknown()),
  participants: z.array(ParticipantResult),
  /** Quiz: every answer of the match. */
  quizAnswers: z.array(QuizAnswerRecord).optional(),
  /** War: the factions' final standings. */
  factionStandings: z.array(FactionStandingRecord).optional(),
});
/** What rooms build (defaults may be left out). */
export type MatchResult = z.input<typeof MatchResult>;
/** What the writer stores, after validation. */
export type CheckedMatchResult = z.output<typeof MatchResult>;
