// TRANSITION: quiz replays through its own code until it runs on the kit.
import { eq } from "drizzle-orm";
import type { Db } from "../persistence/database.js";
import type { matchParticipants, matches } from "../persistence/schema.js";
import { quizAnswers } from "../modes/quiz/tables.js";
import { loadQuestionBank } from "../rooms/quiz/question-bank.js";
import { replayQuiz, type QuizReplay, type QuizSettings } from "../rooms/quiz/replay.js";
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
    case "quiz": {
      const bank = await loadQuestionBank(db, "any");
      const outcome = replayQuiz(match.settings as QuizSettings, match.replay as QuizReplay, bank.questions);
      for (const p of participants) stored.push(playerLine(p));
      for (const p of outcome.standings) replayed.push(playerLine(p));
      const answers = await db.select().from(quizAnswers).where(eq(quizAnswers.matchId, match.id));
      for (const a of answers) stored.push(`answer ${a.playerId} round ${a.round}: ${a.answer}, correct ${a.correct}, ${a.points} points`);
      for (const a of outcome.answers) replayed.push(`answer ${a.playerId} round ${a.round}: ${a.answer}, correct ${a.correct}, ${a.points} points`);
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
