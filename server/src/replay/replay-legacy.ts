// TRANSITION: quiz and war replay through their own code until they run on the kit.
import { eq } from "drizzle-orm";
import type { Db } from "../persistence/database.js";
import type { RatedStanding } from "../ratings/ratings.js";
import type { matchParticipants, matches } from "../persistence/schema.js";
import { quizAnswers } from "../modes/quiz/tables.js";
import { factionStandings } from "../modes/war/tables.js";
import { loadQuestionBank } from "../rooms/quiz/question-bank.js";
import { replayQuiz, type QuizReplay, type QuizSettings } from "../rooms/quiz/replay.js";
import { replayWar, type WarReplay } from "../rooms/war/replay.js";
import type { WarSettings } from "../rooms/war/simulation.js";
import type { ReplayReport } from "./replay-match.js";
import { ratingReplayLines } from "./replay-ratings.js";

const playerLine = (p: { playerId: string; placement: number; score: number }) => `player ${p.playerId}: placement ${p.placement}, score ${p.score}`;

async function compareRatings(
  db: Db,
  match: typeof matches.$inferSelect,
  standings: RatedStanding[],
  stored: string[],
  replayed: string[],
): Promise<void> {
  const lines = await ratingReplayLines(db, match.id, { status: match.status, standings });
  stored.push(...lines.stored);
  replayed.push(...lines.replayed);
}

export async function replayLegacy(
  db: Db,
  match: typeof matches.$inferSelect,
  participants: Array<typeof matchParticipants.$inferSelect>,
): Promise<ReplayReport> {
  const stored: string[] = [];
  const replayed: string[] = [];
  switch (match.mode) {
    case "quiz": {
      const bank = await loadQuestionBank(db, "any");
      const outcome = replayQuiz(match.settings as QuizSettings, match.replay as QuizReplay, bank.questions);
      for (const p of participants) stored.push(playerLine(p));
      for (const p of outcome.standings) replayed.push(playerLine(p));
      const answers = await db.select().from(quizAnswers).where(eq(quizAnswers.matchId, match.id));
      for (const a of answers) stored.push(`answer ${a.playerId} round ${a.round}: ${a.answer}, correct ${a.correct}, ${a.points} points`);
      for (const a of outcome.answers) replayed.push(`answer ${a.playerId} round ${a.round}: ${a.answer}, correct ${a.correct}, ${a.points} points`);
      // this replay does not model leaving: who left is taken from the stored match
      const left = new Set(participants.filter((p) => (p.details as { left?: unknown }).left === true).map((p) => p.playerId));
      const standings = outcome.standings.map((p) => ({ ...p, isBot: false, leftEarly: left.has(p.playerId) }));
      await compareRatings(db, match, standings, stored, replayed);
      break;
    }
    case "war": {
      const outcome = replayWar(match.seed, match.settings as WarSettings, match.replay as WarReplay);
      for (const p of participants) stored.push(playerLine(p));
      for (const p of outcome.participants) replayed.push(playerLine(p));
      const factions = await db.select().from(factionStandings).where(eq(factionStandings.matchId, match.id));
      for (const f of factions) stored.push(`faction ${f.faction}: placement ${f.placement}, score ${f.score}`);
      for (const f of outcome.factions) replayed.push(`faction ${f.faction}: placement ${f.placement}, score ${f.score}`);
      await compareRatings(db, match, outcome.participants.map((p) => ({ ...p, team: p.faction })), stored, replayed);
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
