// TRANSITION: war replays through its own code until it runs on the kit.
import { eq } from "drizzle-orm";
import type { Db } from "../persistence/database.js";
import type { matchParticipants, matches } from "../persistence/schema.js";
import { factionStandings } from "../modes/war/tables.js";
import { replayWar, type WarReplay } from "../rooms/war/replay.js";
import type { WarSettings } from "../rooms/war/simulation.js";
import type { ReplayReport } from "./replay-match.js";

const playerLine = (p: { playerId: string; placement: number; score: number }) => `player ${p.playerId}: placement ${p.placement}, score ${p.score}`;

export async function replayLegacy(
  db: Db,
  match: typeof matches.$inferSelect,
  participants: Array<typeof matchParticipants.$inferSelect>,
): Promise<ReplayReport> {
  const stored: string[] = [];
  const replayed: string[] = [];
  switch (match.mode) {
    case "war": {
      const outcome = replayWar(match.seed, match.settings as WarSettings, match.replay as WarReplay);
      for (const p of participants) stored.push(playerLine(p));
      for (const p of outcome.participants) replayed.push(playerLine(p));
      const factions = await db.select().from(factionStandings).where(eq(factionStandings.matchId, match.id));
      for (const f of factions) stored.push(`faction ${f.faction}: placement ${f.placement}, score ${f.score}`);
      for (const f of outcome.factions) replayed.push(`faction ${f.faction}: placement ${f.placement}, score ${f.score}`);
      break;
    }
    default:
      throw new Error(`no replay for mode "${match.mode}"`);
  }
  stored.sort();
  replayed.sort();
  const same = stored.length === replayed.length && stored.every((line, i) => line === replayed[i]);
  return {
    matchId: match.id,
    mode: match.mode,
    status: match.status,
    verdict: same ? "reproduced" : "differs",
    recordedRules: match.rulesVersion,
    currentRules: match.rulesVersion,
    stored,
    replayed,
  };
}
