/** What the quiz tells clients besides the state: each question as it opens, each round's result, the final standings. */
import { defineAnnouncements, standingOf, type Announcer } from "../../kit/announce.js";
import { quiz, type QuizFinishedPayload, type QuizQuestionPayload, type QuizRoundResultPayload } from "./contract.js";
import { publicQuestion, revealedAnswer } from "./questions.js";
import type { QuizEvent, QuizMatch, QuizSettings, RoundResult } from "./rules.js";

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

export const quizAnnouncements = defineAnnouncements<typeof quiz, QuizSettings, QuizMatch, QuizEvent>({
  started(match, announce) {
    announce.broadcast("question", questionPayload(match));
  },

  announce(events, match, announce) {
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
