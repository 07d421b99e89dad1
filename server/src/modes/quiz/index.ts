/** The quiz, as the server runs it: questions from the bank, its lobby, what it announces, what it stores. */
import { ErrorCode } from "@arena/shared";
import { quiz, type QuizFinishedPayload, type QuizQuestionPayload, type QuizRoundResultPayload } from "@arena/shared/modes/quiz/contract";
import { quizProjection } from "@arena/shared/modes/quiz/projection";
import { NotEnoughQuestionsError, publicQuestion, revealedAnswer, selectQuestions, type QuizQuestion } from "@arena/shared/modes/quiz/questions";
import { quizRules, type QuizEvent, type QuizMatch, type QuizSettings, type RoundResult } from "@arena/shared/modes/quiz/rules";
import { z } from "zod";
import { SettingsRefused, defineConfigSection, defineServerMode, standingOf, type Announcer } from "../../kit/server-mode.js";
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

type QuizAnnouncer = Announcer<typeof quiz>;

/** The open round's question without its answer, for clients that do not decode the state. */
function questionPayload(match: QuizMatch): QuizQuestionPayload {
  const question = publicQuestion(match.settings.questions[match.round - 1]!);
  return { round: match.round, ...question, answerWindowMs: match.settings.answerWindowMs };
}

function roundResultPayload(result: RoundResult, match: QuizMatch, announce: QuizAnnouncer): QuizRoundResultPayload {
  const { round, question, answers, winnerSeat } = result;
  const winner = answers.find((a) => a.seat === winnerSeat);
  return {
    round,
    questionId: question.id,
    kind: question.kind,
    ...revealedAnswer(question),
    winnerSessionId: winner ? announce.sessionOf(winner.playerId) : null,
    answers: answers.map((a) => ({
      sessionId: announce.sessionOf(a.playerId) ?? "",
      name: match.players.find((p) => p.seat === a.seat)?.name ?? "",
      answer: a.answer,
      correct: a.correct,
      responseTimeMs: a.responseTimeMs,
      points: a.points,
    })),
  };
}

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

  queue: { partyMax: 4, plan: (options) => ({ seats: options.maxPlayers, teams: 1, minHumans: options.minPlayers }) },

  started(match: QuizMatch, announce) {
    announce.broadcast("question", questionPayload(match));
  },

  announce(events: readonly QuizEvent[], match: QuizMatch, announce) {
    for (const event of events) {
      if (event.type === "round-opened") {
        announce.broadcast("question", { round: event.round, ...event.question, answerWindowMs: event.answerWindowMs });
      } else {
        // after the patch, so a client reading the message sees the revealed state too
        announce.broadcast("round_result", roundResultPayload(event.result, match, announce), { afterNextPatch: true });
      }
    }
  },

  finished: (outcome, { matchId, state: match, sessionOf }): QuizFinishedPayload => ({
    matchId,
    status: outcome.status,
    roundsPlayed: match.results.length,
    standings: outcome.standings.map((s) => ({
      ...standingOf(s, sessionOf),
      placement: s.placement,
      correctAnswers: Number(s.details.correctAnswers),
      left: s.leftEarly,
    })),
  }),
});
