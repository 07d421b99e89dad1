/** A 10-minute war of 12 seats played through its pure rules (loadtest/bench/replay-scenarios.ts), stored as a room would store it. */
import { randomUUID } from "node:crypto";
import { replayMatch } from "@arena/shared/kit/rules";
import { play, war } from "../../../loadtest/bench/replay-scenarios.js";
import { matchResultOf } from "../../src/kit/result-of.js";
import type { Db } from "../../src/persistence/database.js";
import { FIRST_SEASON, type MatchResult } from "../../src/persistence/match-result.js";
import { writeMatchResult } from "../../src/persistence/results-store.js";

export async function storeTenMinuteWar(db: Db): Promise<MatchResult> {
  const log = play(war);
  const { rules, setup } = war;
  const endedAt = new Date();
  const result = matchResultOf(
    {
      matchId: randomUUID(),
      mode: "war",
      rulesVersion: rules.version,
      season: FIRST_SEASON,
      seed: setup.seed,
      node: "test",
      startedAt: new Date(endedAt.getTime() - 600_000),
      endedAt,
      settings: setup.settings,
      replay: { players: setup.players, inputs: log.map(([at, input]) => [at, rules.codec ? rules.codec.encode(input) : input]) },
    },
    rules.outcome(replayMatch(rules, setup, log)),
  );
  if ((await writeMatchResult(db, result)) !== "written") throw new Error(`match ${result.matchId} was not written`);
  return result;
}
