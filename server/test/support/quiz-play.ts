/** Helpers for tests that play quizzes over real WebSockets. */
import type { QuizRoom } from "@arena/client-sdk";
import type { QuizQuestionView, QuizRoundResultPayload } from "@arena/shared/modes/quiz/contract";
import type { QuizQuestion } from "@arena/shared/modes/quiz/questions";
import { openDatabase } from "../../src/persistence/database.js";
import { parseQuestionRow } from "../../src/modes/quiz/question-bank.js";
import { quizQuestions } from "../../src/modes/quiz/tables.js";
import { silentLogger } from "./fixtures.js";

/** The quiz question bank of a PostgreSQL database, by id (run after a server migrated it). */
export async function loadBank(databaseUrl: string): Promise<Map<string, QuizQuestion>> {
  const database = await openDatabase({ databaseUrl, dataDir: "", logger: silentLogger });
  try {
    const rows = await database.db.select().from(quizQuestions);
    const bank = new Map<string, QuizQuestion>();
    for (const row of rows) {
      const parsed = parseQuestionRow(row);
      if (parsed.ok) bank.set(parsed.question.id, parsed.question);
    }
    return bank;
  } finally {
    await database.close();
  }
}

export function correctAnswer(question: QuizQuestion): number {
  return question.kind === "choice" ? question.correctIndex : question.target;
}

/** A wrong choice, or the end of the range farthest from the target. */
export function wrongAnswer(question: QuizQuestion): number {
  if (question.kind === "choice") return (question.correctIndex + 1) % question.options.length;
  const { minValue, maxValue, target } = question;
  return target - minValue > maxValue - target ? minValue : maxValue;
}

/** The answer a player picks for the open round; undefined = stay silent. */
export type Strategy = (question: QuizQuestionView, round: number) => number | undefined;

/**
 * Answers every round once, as soon as the client sees the question (after `delayMs`).
 * Returns a function that stops answering.
 */
export function autoAnswer(room: QuizRoom, strategy: Strategy, delayMs = 0): () => void {
  const handled = new Set<number>();
  const timers = new Set<NodeJS.Timeout>();
  const onState = () => {
    const state = room.state;
    if (state.status !== "question" || handled.has(state.round)) return;
    const round = state.round;
    handled.add(round);
    const answer = strategy(state.question, round);
    if (answer === undefined) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      room.send("answer", { answer: answer, round: round });
    }, delayMs);
    timers.add(timer);
  };
  const off = room.onStateChange(onState);
  onState();
  return () => {
    off();
    timers.forEach(clearTimeout);
  };
}

/** Collects the `round_result` messages a client receives. */
export function collectRoundResults(room: QuizRoom): QuizRoundResultPayload[] {
  const results: QuizRoundResultPayload[] = [];
  room.on("round_result", (payload) => results.push(payload));
  return results;
}

/** A strategy that looks the question up in the bank and answers right or wrong. */
export function answering(bank: Map<string, QuizQuestion>, right: boolean): Strategy {
  return (view) => {
    const question = bank.get(view.id);
    if (!question) throw new Error(`question ${view.id} is not in the bank`);
    return right ? correctAnswer(question) : wrongAnswer(question);
  };
}
