/**
 * What a quiz stores for replay, and the pure re-computation of its standings from the stored
 * settings, replay and the questions it used.
 */
import type { QuizQuestion } from "./questions.js";
import { rankPlayers, scoreRound, totalsOf, type RankedPlayer, type ScoredAnswer, type TimedAnswer } from "./scoring.js";

/** Settings a quiz was created with; stored with the match. */
export interface QuizSettings {
  minPlayers: number;
  maxPlayers: number;
  rounds: number;
  category: string;
  joinWindowMs: number;
  answerWindowMs: number;
  revealMs: number;
}

/** One accepted answer, in the order the server received them. */
export interface LoggedAnswer extends TimedAnswer {
  round: number;
}

export interface QuizReplay {
  /** The questions of the rounds played, in round order. */
  questionIds: string[];
  /** Everyone who took part, in the order they joined (the order of equal scores). */
  players: Array<{ playerId: string; name: string }>;
  answers: LoggedAnswer[];
}

/** A scored answer with its round and question, as stored in `quiz_answers`. */
export interface RoundScoredAnswer extends ScoredAnswer {
  round: number;
  questionId: string;
}

/** The stored form of a scored answer: a `quiz_answers` row without the match id. */
export function answerRecord({ playerId, round, questionId, answer, correct, responseTimeMs, points }: RoundScoredAnswer) {
  return { playerId, round, questionId, answer, correct, responseTimeMs, points };
}

export interface QuizOutcome {
  answers: RoundScoredAnswer[];
  standings: RankedPlayer[];
}

/** Scores every played round (answers grouped by round, log order kept) and ranks the players. */
export function scoreQuiz(
  questions: readonly QuizQuestion[],
  playerIds: readonly string[],
  answers: readonly LoggedAnswer[],
  answerWindowMs: number,
): QuizOutcome {
  const scored = questions.flatMap((question, index) => {
    const round = index + 1;
    const roundAnswers = answers
      .filter((a) => a.round === round)
      .map(({ playerId, answer, responseTimeMs }) => ({ playerId, answer, responseTimeMs }));
    return scoreRound(question, roundAnswers, answerWindowMs).map((a) => ({ ...a, round, questionId: question.id }));
  });
  return { answers: scored, standings: rankPlayers(totalsOf(playerIds, scored)) };
}

/**
 * Re-computes a stored quiz. `questions` may be the whole bank: the replay names the ones used.
 * Throws when a question of the replay is missing.
 */
export function replayQuiz(settings: QuizSettings, replay: QuizReplay, questions: readonly QuizQuestion[]): QuizOutcome {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const used = replay.questionIds.map((id) => {
    const question = byId.get(id);
    if (!question) throw new Error(`question ${id} of the replay is not in the bank`);
    return question;
  });
  return scoreQuiz(
    used,
    replay.players.map((p) => p.playerId),
    replay.answers,
    settings.answerWindowMs,
  );
}
