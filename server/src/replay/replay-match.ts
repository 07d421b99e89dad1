/**
 * Re-runs a stored match from its seed, settings and input log through the same pure logic the
 * room used, and compares the outcome with what was stored. Every mode supports it.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../persistence/database.js";
import { factionStandings, matchParticipants, matches, quizAnswers } from "../persistence/schema.js";
import { loadQuestionBank } from "../rooms/quiz/question-bank.js";
import { replayQuiz, type QuizReplay, type QuizSettings } from "../rooms/quiz/replay.js";
import { replayRace, type RaceReplay, type RaceSettings } from "../rooms/race/replay.js";
import { replayWar, type WarReplay } from "../rooms/war/replay.js";
import type { WarSettings } from "../rooms/war/simulation.js";

/** One comparable line of an outcome, e.g. `player <id>: placement 1, score 300`. */
type Line = string;

export interface ReplayReport {
  matchId: string;
  mode: string;
  status: string;
  reproduced: boolean;
  /** What was stored and what the replay gave, as sorted lines. */
  stored: Line[];
  replayed: Line[];
}

const playerLine = (p: { playerId: string; placement: number; score: number; finishTimeMs?: number | null }) =>
  `player ${p.playerId}: placement ${p.placement}, score ${p.score}` + (p.finishTimeMs === undefined ? "" : `, finish ${p.finishTimeMs ?? "-"}`);

export async function replayStoredMatch(db: Db, matchId: string): Promise<ReplayReport | undefined> {
  const [match] = await db.select().from(matches).where(eq(matches.id, matchId)).limit(1);
  if (!match) return undefined;
  const participants = await db.select().from(matchParticipants).where(eq(matchParticipants.matchId, matchId));
  const stored: Line[] = [];
  const replayed: Line[] = [];

  switch (match.mode) {
    case "race": {
      const replay = match.replay as RaceReplay;
      const slotToPlayer = new Map(replay.slots.map((s) => [s.slot, s.playerId]));
      for (const p of participants) stored.push(playerLine({ ...p, finishTimeMs: p.finishTimeMs }));
      for (const s of replayRace(match.seed, match.settings as RaceSettings, replay)) {
        replayed.push(playerLine({ playerId: slotToPlayer.get(s.slot) ?? `slot ${s.slot}`, placement: s.placement, score: s.score, finishTimeMs: s.finishTimeMs }));
      }
      break;
    }
    case "quiz": {
      const bank = await loadQuestionBank(db, "any");
      const outcome = replayQuiz(match.settings as QuizSettings, match.replay as QuizReplay, bank.questions);
      for (const { playerId, placement, score } of participants) stored.push(playerLine({ playerId, placement, score }));
      for (const { playerId, placement, score } of outcome.standings) replayed.push(playerLine({ playerId, placement, score }));
      const answers = await db.select().from(quizAnswers).where(eq(quizAnswers.matchId, matchId));
      for (const a of answers) stored.push(`answer ${a.playerId} round ${a.round}: ${a.answer}, correct ${a.correct}, ${a.points} points`);
      for (const a of outcome.answers) replayed.push(`answer ${a.playerId} round ${a.round}: ${a.answer}, correct ${a.correct}, ${a.points} points`);
      break;
    }
    case "war": {
      const outcome = replayWar(match.seed, match.settings as WarSettings, match.replay as WarReplay);
      for (const { playerId, placement, score } of participants) stored.push(playerLine({ playerId, placement, score }));
      for (const { playerId, placement, score } of outcome.participants) replayed.push(playerLine({ playerId, placement, score }));
      const factions = await db.select().from(factionStandings).where(eq(factionStandings.matchId, matchId));
      for (const f of factions) stored.push(`faction ${f.faction}: placement ${f.placement}, score ${f.score}`);
      for (const f of outcome.factions) replayed.push(`faction ${f.faction}: placement ${f.placement}, score ${f.score}`);
      break;
    }
    default:
      throw new Error(`no replay for mode "${match.mode}"`);
  }
  stored.sort();
  replayed.sort();
  return {
    matchId,
    mode: match.mode,
    status: match.status,
    reproduced: stored.length === replayed.length && stored.every((line, i) => line === replayed[i]),
    stored,
    replayed,
  };
}
