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
});
export type ParticipantResult = z.infer<typeof ParticipantResult>;

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
});
export type MatchResult = z.infer<typeof MatchResult>;
