/**
 * Quiz scoring as pure functions: the same questions and answer log always give the same points
 * and standings. No I/O, no clock: response times come in with the answers.
 */
import type { ChoiceQuestion, NumberQuestion, QuizQuestion } from "./questions.js";

export const QUIZ_SCORING = {
  /** A correct choice answer. */
  correctPoints: 100,
  /** Added to a correct choice answer, falling linearly from this at 0 ms to 0 at the end of the window. */
  maxSpeedBonus: 50,
  /** The closest answer of a number round (the earliest one on a tie). */
  roundWinPoints: 100,
  /** Every number answer: this at the target, falling linearly to 0 at the far end of the range. */
  maxProximityPoints: 50,
} as const;

/** An answer as the server received it; `responseTimeMs` is measured from the round opening. */
export interface TimedAnswer {
  playerId: string;
  answer: number;
  responseTimeMs: number;
}

export interface ScoredAnswer extends TimedAnswer {
  /** Choice: the correct option. Number: the round's winner (closest, earliest on a tie). */
  correct: boolean;
  points: number;
}

/** Speed bonus for a correct answer after `responseTimeMs` of a window of `answerWindowMs`. */
export function speedBonus(responseTimeMs: number, answerWindowMs: number): number {
  const left = Math.min(1, Math.max(0, 1 - responseTimeMs / answerWindowMs));
  return Math.floor(QUIZ_SCORING.maxSpeedBonus * left);
}

/** Points for a number answer at `distance` from the target in a range of width `range`. */
export function proximityPoints(distance: number, range: number): number {
  const closeness = Math.min(1, Math.max(0, 1 - distance / range));
  return Math.floor(QUIZ_SCORING.maxProximityPoints * closeness);
}

function scoreChoice(question: ChoiceQuestion, answers: readonly TimedAnswer[], answerWindowMs: number): ScoredAnswer[] {
  return answers.map((a) => {
    const correct = a.answer === question.correctIndex;
    const points = correct ? QUIZ_SCORING.correctPoints + speedBonus(a.responseTimeMs, answerWindowMs) : 0;
    return { ...a, correct, points };
  });
}

/**
 * Index (in `answers`) of the number round's winner: the smallest distance to the target, then the
 * shortest response time, then the earlier arrival (position in the log). −1 when nobody answered.
 */
export function numberRoundWinner(question: NumberQuestion, answers: readonly TimedAnswer[]): number {
  let best = -1;
  for (let i = 0; i < answers.length; i++) {
    if (best === -1) {
      best = i;
      continue;
    }
    const candidate = answers[i]!;
    const leader = answers[best]!;
    const dc = Math.abs(candidate.answer - question.target);
    const dl = Math.abs(leader.answer - question.target);
    if (dc < dl || (dc === dl && candidate.responseTimeMs < leader.responseTimeMs)) best = i;
  }
  return best;
}

function scoreNumber(question: NumberQuestion, answers: readonly TimedAnswer[]): ScoredAnswer[] {
  const range = question.maxValue - question.minValue;
  const winner = numberRoundWinner(question, answers);
  return answers.map((a, i) => {
    const correct = i === winner;
    const points = proximityPoints(Math.abs(a.answer - question.target), range) + (correct ? QUIZ_SCORING.roundWinPoints : 0);
    return { ...a, correct, points };
  });
}

/** Scores one round's answers, given in the order the server received them (at most one per player). */
export function scoreRound(question: QuizQuestion, answers: readonly TimedAnswer[], answerWindowMs: number): ScoredAnswer[] {
  return question.kind === "choice" ? scoreChoice(question, answers, answerWindowMs) : scoreNumber(question, answers);
}

export interface PlayerTotal {
  playerId: string;
  score: number;
  correctAnswers: number;
}

export interface RankedPlayer extends PlayerTotal {
  /** 1-based; equal scores share a placement (1, 1, 3). */
  placement: number;
}

/** Sums the scored answers per player; players without answers get 0. Keeps the order of `playerIds`. */
export function totalsOf(playerIds: readonly string[], answers: readonly ScoredAnswer[]): PlayerTotal[] {
  const totals = new Map(playerIds.map((playerId) => [playerId, { playerId, score: 0, correctAnswers: 0 }]));
  for (const answer of answers) {
    const total = totals.get(answer.playerId);
    if (!total) continue;
    total.score += answer.points;
    if (answer.correct) total.correctAnswers += 1;
  }
  return [...totals.values()];
}

/** Orders players by score (stable for equal scores) and gives equal scores the same placement. */
export function rankPlayers(totals: readonly PlayerTotal[]): RankedPlayer[] {
  const sorted = totals.map((t, index) => ({ t, index })).sort((a, b) => b.t.score - a.t.score || a.index - b.index);
  const ranked: RankedPlayer[] = [];
  sorted.forEach(({ t }, position) => {
    const previous = ranked[position - 1];
    const placement = previous && previous.score === t.score ? previous.placement : position + 1;
    ranked.push({ ...t, placement });
  });
  return ranked;
}
