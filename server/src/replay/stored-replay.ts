/**
 * A stored match in the form a client replays it: seed, settings, the seated humans and the input
 * log, if the server still has the rules it was played with.
 */
import { eq } from "drizzle-orm";
import type { MatchReplayResponse } from "@arena/shared";
import { serverMode } from "../modes/index.js";
import type { Db } from "../persistence/database.js";
import { matches } from "../persistence/schema.js";

export type StoredReplay =
  | { found: false }
  | { found: true; rulesChanged: { mode: string; recorded: number; current: number | null } }
  | { found: true; replay: MatchReplayResponse };

export async function loadReplay(db: Db, matchId: string): Promise<StoredReplay> {
  const [match] = await db.select().from(matches).where(eq(matches.id, matchId)).limit(1);
  if (!match) return { found: false };
  const current = serverMode(match.mode)?.rules.version ?? null;
  if (current !== match.rulesVersion) return { found: true, rulesChanged: { mode: match.mode, recorded: match.rulesVersion, current } };
  return {
    found: true,
    replay: {
      matchId: match.id,
      mode: match.mode,
      status: match.status,
      rulesVersion: match.rulesVersion,
      seed: match.seed,
      settings: match.settings as Record<string, unknown>,
      startedAt: match.startedAt.toISOString(),
      endedAt: match.endedAt.toISOString(),
      replay: match.replay as MatchReplayResponse["replay"],
    },
  };
}
