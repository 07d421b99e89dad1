/** The quiz's own tables: its question bank and every answer given in a match. */
import { asc, eq, sql } from "drizzle-orm";
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { ModeTable } from "../../kit/mode-table.js";
import { batchJson } from "../../persistence/batch-json.js";
import { matches, players } from "../../persistence/schema.js";

/** The quiz question bank. `kind` is "choice" (one correct option) or "number" (closest to the target wins). */
export const quizQuestions = pgTable(
  "quiz_questions",
  {
    id: text("id").primaryKey(),
    category: text("category").notNull(),
    kind: text("kind").notNull(),
    prompt: text("prompt").notNull(),
    /** Choice questions: the options shown to players. */
    options: jsonb("options").$type<string[]>(),
    /** Choice questions: index of the correct option. Never sent to clients before the round closes. */
    correctIndex: integer("correct_index"),
    /** Number questions: the hidden target and the range players pick from. */
    target: doublePrecision("target"),
    minValue: doublePrecision("min_value"),
    maxValue: doublePrecision("max_value"),
    active: boolean("active").notNull().default(true),
  },
  (table) => [index("quiz_questions_category_idx").on(table.category, table.kind)],
);

/** Every answer given in a quiz match, timed by the server. */
export const quizAnswers = pgTable(
  "quiz_answers",
  {
    matchId: uuid("match_id")
      .notNull()
      .references(() => matches.id, { onDelete: "cascade" }),
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id),
    round: integer("round").notNull(),
    questionId: text("question_id")
      .notNull()
      .references(() => quizQuestions.id),
    /** The option index or the number picked. */
    answer: doublePrecision("answer").notNull(),
    correct: boolean("correct").notNull(),
    responseTimeMs: integer("response_time_ms").notNull(),
    points: integer("points").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.matchId, table.playerId, table.round] }),
    index("quiz_answers_question_idx").on(table.questionId),
  ],
);

/** One quiz answer as the rules scored it. */
const QuizAnswerRow = z.object({
  playerId: z.uuid(),
  round: z.number().int().min(1),
  questionId: z.string().min(1),
  answer: z.number(),
  correct: z.boolean(),
  responseTimeMs: z.number().int().min(0),
  points: z.number().int(),
});
type QuizAnswerRow = z.infer<typeof QuizAnswerRow>;

export const quizAnswersTable: ModeTable<QuizAnswerRow> = {
  name: "quiz_answers",
  row: QuizAnswerRow,
  async write(tx, rows) {
    await tx.execute(sql`
      insert into ${quizAnswers} (match_id, player_id, round, question_id, answer, correct, response_time_ms, points)
      select match_id, player_id, round, question_id, answer, correct, response_time_ms, points
      from json_to_recordset(${batchJson(
        rows.map((a) => ({
          match_id: a.matchId,
          player_id: a.playerId,
          round: a.round,
          question_id: a.questionId,
          answer: a.answer,
          correct: a.correct,
          response_time_ms: a.responseTimeMs,
          points: a.points,
        })),
      )}) as x(match_id uuid, player_id uuid, round int, question_id text,
           answer double precision, correct boolean, response_time_ms int, points int)`);
  },
  async read(db, matchId) {
    return db
      .select({
        playerId: quizAnswers.playerId,
        round: quizAnswers.round,
        questionId: quizAnswers.questionId,
        answer: quizAnswers.answer,
        correct: quizAnswers.correct,
        responseTimeMs: quizAnswers.responseTimeMs,
        points: quizAnswers.points,
      })
      .from(quizAnswers)
      .where(eq(quizAnswers.matchId, matchId))
      .orderBy(asc(quizAnswers.round), asc(quizAnswers.responseTimeMs));
  },
};
