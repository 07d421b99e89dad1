import { and, asc, eq } from "drizzle-orm";
import { QUIZ_ANY_CATEGORY } from "@arena/shared";
import type { Db } from "../../persistence/database.js";
import { quizQuestions } from "../../modes/quiz/tables.js";
import { parseQuestionRow, type QuizQuestion } from "./questions.js";

export interface LoadedBank {
  questions: QuizQuestion[];
  /** Rows that fail the checks of `parseQuestionRow`; the room logs and skips them. */
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
