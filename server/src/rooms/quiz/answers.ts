/**
 * The answer window rules as one pure function: given what the room knows when an answer arrives
 * (status, open round, window times, the question's public bounds), accept it with its response
 * time or refuse it with a typed error. No I/O, no clock: the receive time comes in.
 */
import { ErrorCode, type QuizAnswer, type QuizStatus } from "@arena/shared";
import type { PublicQuestion } from "./questions.js";

export interface AnswerContext {
  status: QuizStatus;
  /** The open (or last closed) round, 1-based; 0 before the first. */
  round: number;
  totalRounds: number;
  /** When the current round opened and when its window closes, in the room's time. */
  openedAt: number;
  closesAt: number;
  /** The current round's question, as clients see it. */
  question: PublicQuestion | undefined;
  /** Whether this player already answered the round the answer names. */
  alreadyAnswered: boolean;
}

export type AnswerVerdict =
  | { accepted: true; responseTimeMs: number }
  | { accepted: false; code: ErrorCode; message: string };

function refuse(code: ErrorCode, message: string): AnswerVerdict {
  return { accepted: false, code, message };
}

/** Whether `value` is a valid answer to `question`: an option index, or a number inside the range. */
export function answerFits(question: PublicQuestion, value: number): string | undefined {
  if (question.kind === "choice") {
    const last = question.options.length - 1;
    return Number.isInteger(value) && value >= 0 && value <= last ? undefined : `answer must be an option index 0..${last}`;
  }
  return value >= question.minValue && value <= question.maxValue
    ? undefined
    : `answer must be a number from ${question.minValue} to ${question.maxValue}`;
}

/**
 * Decides on one answer received at `receivedAt`. Order of the checks: not started, a round that
 * is not open yet, a second answer, a closed round or window, an answer that does not fit.
 */
export function judgeAnswer(context: AnswerContext, submission: QuizAnswer, receivedAt: number): AnswerVerdict {
  const { status, round } = context;
  if (status === "waiting_for_players" || status === "players_joining") {
    return refuse(ErrorCode.WrongPhase, "the quiz has not started yet");
  }
  if (submission.round > context.totalRounds) {
    return refuse(ErrorCode.WrongRound, `this quiz has ${context.totalRounds} rounds, there is no round ${submission.round}`);
  }
  if (submission.round > round) {
    return refuse(ErrorCode.WrongRound, `round ${submission.round} is not open; the current round is ${round}`);
  }
  if (context.alreadyAnswered) {
    return refuse(ErrorCode.DuplicateAnswer, `you already answered round ${submission.round}`);
  }
  if (submission.round < round || status !== "question" || receivedAt > context.closesAt) {
    return refuse(ErrorCode.LateAnswer, `round ${submission.round} is closed`);
  }
  const misfit = context.question ? answerFits(context.question, submission.answer) : "no question is open";
  if (misfit) return refuse(ErrorCode.InvalidMessage, misfit);
  return { accepted: true, responseTimeMs: Math.max(0, Math.round(receivedAt - context.openedAt)) };
}
