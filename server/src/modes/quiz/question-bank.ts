/** The quiz question bank in the database: the checks a row must pass, and the read of a category. */
import { and, asc, eq } from "drizzle-orm";
import { QUIZ_ANY_CATEGORY } from "@arena/shared/modes/quiz/contract";
import type { QuizQuestion } from "@arena/shared/modes/quiz/questions";
import type { Db } from "../../persistence/database.js";
import { quizQuestions } from "./tables.js";

/** A row of `quiz_questions` as drizzle returns it. */
export interface QuestionRow {
  id: string;
  category: string;
  kind: string;
  prompt: string;
  options: unknown;
  correctIndex: number | null;
  target: number | null;
  minValue: number | null;
  maxValue: number | null;
}

export type ParsedRow = { ok: true; question: QuizQuestion } | { ok: false; reason: string };

/** At most this many options, so an option index always fits the state's int8. */
const MAX_OPTIONS = 8;

/** Turns a bank row into a question, or says why the row is unusable (the bank skips such rows). */
export function parseQuestionRow(row: QuestionRow): ParsedRow {
  const base = { id: row.id, category: row.category, prompt: row.prompt };
  if (row.prompt.trim() === "") return { ok: false, reason: "empty prompt" };
  if (row.kind === "choice") {
    const options = row.options;
    if (!Array.isArray(options) || options.length < 2 || options.length > MAX_OPTIONS) {
      return { ok: false, reason: `choice needs 2..${MAX_OPTIONS} options` };
    }
    if (!options.every((option): option is string => typeof option === "string" && option.trim() !== "")) {
      return { ok: false, reason: "options must be non-empty strings" };
    }
    const correctIndex = row.correctIndex;
    if (correctIndex === null || !Number.isInteger(correctIndex) || correctIndex < 0 || correctIndex >= options.length) {
      return { ok: false, reason: "correct_index must point at an option" };
    }
    return { ok: true, question: { ...base, kind: "choice", options: [...options], correctIndex } };
  }
  if (row.kind === "number") {
    const { target, minValue, maxValue } = row;
    if (target === null || minValue === null || maxValue === null) {
      return { ok: false, reason: "number needs target, min_value and max_value" };
    }
    if (![target, minValue, maxValue].every(Number.isFinite) || !(minValue < maxValue)) {
      return { ok: false, reason: "min_value must be below max_value" };
    }
    if (target < minValue || target > maxValue) return { ok: false, reason: "target must lie in the range" };
    return { ok: true, question: { ...base, kind: "number", target, minValue, maxValue } };
  }
  return { ok: false, reason: `unknown kind "${row.kind}"` };
}

export interface LoadedBank {
  questions: QuizQuestion[];
  /** Rows that fail the checks of `parseQuestionRow`; they are logged and skipped. */
  rejected: Array<{ id: string; reason: string }>;
}

/** Reads the active questions of a category (or all of them for "any") from the database. */
export async function loadQuestionBank(db: Db, category: string): Promise<LoadedBank> {
  const active = eq(quizQuestions.active, true);
  const rows = await db
    .select()
    .from(quizQuestions)
    .where(category === QUIZ_ANY_CATEGORY ? active : and(active, eq(quizQuestions.category, category)))
    .orderBy(asc(quizQuestions.id));
  const bank: LoadedBank = { questions: [], rejected: [] };
  for (const row of rows) {
    const parsed = parseQuestionRow(row);
    if (parsed.ok) bank.questions.push(parsed.question);
    else bank.rejected.push({ id: row.id, reason: parsed.reason });
  }
  return bank;
}
