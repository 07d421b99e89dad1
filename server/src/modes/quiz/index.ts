/** The quiz, as the server runs it: questions from the bank, its lobby, what it stores. */
import { ErrorCode } from "@arena/shared";
import { quizAnnouncements } from "@arena/shared/modes/quiz/announce";
import { quiz } from "@arena/shared/modes/quiz/contract";
import { quizProjection } from "@arena/shared/modes/quiz/projection";
import { NotEnoughQuestionsError, selectQuestions, type QuizQuestion } from "@arena/shared/modes/quiz/questions";
import { quizRules, type QuizSettings } from "@arena/shared/modes/quiz/rules";
import { z } from "zod";
import { SettingsRefused, defineConfigSection, defineServerMode } from "../../kit/server-mode.js";
import { loadQuestionBank, type LoadedBank } from "./question-bank.js";
import { quizAnswersTable } from "./tables.js";

const config = defineConfigSection({
  env: {
    QUIZ_JOIN_WINDOW_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(5_000)
      .describe("How long a quiz waits for more players once the minimum is in (it starts at once when full)."),
    QUIZ_ANSWER_WINDOW_MS: z.coerce.number().int().min(100).max(600_000).default(15_000).describe("How long players have to answer a quiz question."),
    QUIZ_REVEAL_MS: z.coerce.number().int().min(0).max(60_000).default(3_000).describe("How long a quiz shows the answer of a round before the next question."),
  },
  read: (env) => ({ joinWindowMs: env.QUIZ_JOIN_WINDOW_MS, answerWindowMs: env.QUIZ_ANSWER_WINDOW_MS, revealMs: env.QUIZ_REVEAL_MS }),
});

/** A question nobody saw: its place in the match without its content (still a valid question for the rules). */
function unplayed(question: QuizQuestion): QuizQuestion {
  return question.kind === "choice"
    ? { id: question.id, category: question.category, kind: "choice", prompt: "", options: ["", ""], correctIndex: 0 }
    : { id: question.id, category: question.category, kind: "number", prompt: "", target: 0, minValue: 0, maxValue: 1 };
}

export const quizMode = defineServerMode({
  contract: quiz,
  rules: quizRules,
  projection: quizProjection,
  config,
  tables: [quizAnswersTable],
  // one answer a round counts; a player hammering the answer button gets cut off early
  rates: { answer: 1 / 3 },

  /**
   * The questions' answers are secret while the match runs; once it is stored, the played rounds'
   * are revealed, and a round never played (an aborted quiz) keeps only its id, so aborting a quiz
   * cannot farm answers. A replay needs no unplayed question: the match stopped before it opened.
   */
  publicSettings(settings, played) {
    const shown = typeof played?.summary.roundsPlayed === "number" ? played.summary.roundsPlayed : 0;
    return { ...settings, questions: settings.questions.map((q, i) => (i < shown ? q : unplayed(q))) };
  },

  /** Picks the match's questions from the bank with the match seed: they are stored with the match. */
  async settings(options, { section, seed, database, log }): Promise<QuizSettings> {
    let bank: LoadedBank;
    try {
      bank = await loadQuestionBank(database.db, options.category);
    } catch (error) {
      log.error({ err: error }, "question bank could not be read");
      throw new SettingsRefused({ code: ErrorCode.Internal, message: "the question bank is unavailable, try again" });
    }
    if (bank.rejected.length > 0) log.warn({ rejected: bank.rejected }, "unusable question bank rows skipped");
    try {
      const questions = selectQuestions(bank.questions, { seed, rounds: options.rounds, category: options.category });
      return {
        minPlayers: options.minPlayers,
        maxPlayers: options.maxPlayers,
        rounds: options.rounds,
        category: options.category,
        joinWindowMs: section.joinWindowMs,
        answerWindowMs: section.answerWindowMs,
        revealMs: section.revealMs,
        questions,
      };
    } catch (error) {
      if (error instanceof NotEnoughQuestionsError) throw new SettingsRefused({ code: ErrorCode.InvalidOptions, message: error.message });
      throw error;
    }
  },

  lobby: (settings) => ({ seats: settings.maxPlayers, minPlayers: settings.minPlayers, waitMs: settings.joinWindowMs, bots: false }),

  ...quizAnnouncements,
  queue: { partyMax: 4, plan: (options) => ({ seats: options.maxPlayers, teams: 1, minHumans: options.minPlayers }) },
});
