/** The result a finished match hands to the results writer: how everyone placed, and what replays it. */
import type { MatchOutcome, SeatedPlayer, StoredInputLog } from "@arena/shared/kit/rules";
import type { MatchResult } from "../persistence/match-result.js";

export interface FinishedMatch {
  matchId: string;
  mode: string;
  rulesVersion: number;
  /** The season the match counts for (the server's SEASON when it ended). */
  season: string;
  seed: number;
  node: string;
  startedAt: Date;
  endedAt: Date;
  settings: unknown;
  /** The humans seated at the start and the stored input log. */
  replay: { players: SeatedPlayer[]; inputs: StoredInputLog };
}

export function matchResultOf(match: FinishedMatch, outcome: MatchOutcome): MatchResult {
  return {
    matchId: match.matchId,
    mode: match.mode,
    rulesVersion: match.rulesVersion,
    status: outcome.status,
    season: match.season,
    seed: match.seed,
    node: match.node,
    startedAt: match.startedAt.toISOString(),
    endedAt: match.endedAt.toISOString(),
    settings: { ...(match.settings as object) },
    replay: match.replay,
    summary: { reason: outcome.reason, ...outcome.summary },
    participants: outcome.standings.map((s) => ({
      playerId: s.playerId,
      displayName: s.name,
      isBot: s.isBot,
      placement: s.placement,
      score: s.score,
      finishTimeMs: s.finishTimeMs,
      details: { ...s.details, leftEarly: s.leftEarly },
      reputationDelta: s.reputationDelta ?? 0,
      leftEarly: s.leftEarly,
      team: s.team ?? null,
    })),
    rows: outcome.rows ?? {},
  };
}
