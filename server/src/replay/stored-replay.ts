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
  const mode = serverMode(match.mode);
  const current = mode?.rules.version ?? null;
  if (!mode || current !== match.rulesVersion) return { found: true, rulesChanged: { mode: match.mode, recorded: match.rulesVersion, current } };
  // what GET /matches/:id shows of the settings (a quiz's unplayed questions stay hidden); the replay needs no more
  const settings = mode.publicSettings?.(match.settings, { summary: match.summary as Record<string, unknown> }) ?? match.settings;
  return {
    found: true,
    replay: {
      matchId: match.id,
      mode: match.mode,
      status: match.status,
      rulesVersion: match.rulesVersion,
      seed: match.seed,
      settings: settings as Record<string, unknown>,
      startedAt: match.startedAt.toISOString(),
      endedAt: match.endedAt.toISOString(),
      replay: match.replay as MatchReplayResponse["replay"],
    },
  };
}
