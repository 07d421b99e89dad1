import { randomUUID } from "node:crypto";
import { pino } from "pino";
import type { MatchResult } from "../../src/persistence/match-result.js";

export const silentLogger = pino({ level: "silent" });

/** A finished race of `players` racers, as a room would hand it over. */
export function raceResult(players = 2, overrides: Partial<MatchResult> = {}): MatchResult {
  const endedAt = new Date();
  const startedAt = new Date(endedAt.getTime() - 30_000);
  return {
    matchId: randomUUID(),
    mode: "race",
    status: "completed",
    seed: 123456,
    node: "test-node",
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    settings: { trackLength: 100, lanes: 3, maxPlayers: players, tickRateHz: 20 },
    replay: { slots: [], inputs: [] },
    summary: { racers: players },
    participants: Array.from({ length: players }, (_, i) => ({
      playerId: randomUUID(),
      displayName: `racer-${i + 1}`,
      isBot: false,
      placement: i + 1,
      score: (players - i) * 100,
      finishTimeMs: 10_000 + i * 500,
      details: { slot: i, dnf: false },
    })),
    ...overrides,
  };
}
