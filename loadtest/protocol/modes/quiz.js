// A quiz player: on each `question` message, one valid answer after a human-like pause — an option
// index for a choice question, a number inside the range for a number question.
/** @import { MsgValue, Player, QuizOptions } from "../types.js" */
/** @import { ModePlayer } from "./index.js" */
import { QUIZ_ROOM, QuizMessage, QuizServerMessage } from "@arena/shared/modes/quiz/names";
import { BasePlayer } from "../player.js";
import { between, randomIndex } from "../random.js";

/**
 * The fields of the `question` message a player needs, or null if the payload lacks them.
 * @param {MsgValue | undefined} payload
 * @returns {{ round: number, kind: "choice", options: number, answerWindowMs: number }
 *   | { round: number, kind: "number", minValue: number, maxValue: number, answerWindowMs: number } | null}
 */
export function readQuestion(payload) {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return null;
  const { round, kind, options, minValue, maxValue, answerWindowMs } = payload;
  if (typeof round !== "number" || typeof answerWindowMs !== "number") return null;
  if (kind === "choice" && Array.isArray(options) && options.length > 0) {
    return { round, kind, options: options.length, answerWindowMs };
  }
  if (kind === "number" && typeof minValue === "number" && typeof maxValue === "number" && minValue <= maxValue) {
    return { round, kind, minValue, maxValue, answerWindowMs };
  }
  return null;
}

/**
 * @param {QuizOptions} [options]
 * @returns {Player}
 */
export function createQuizPlayer(options = {}) {
  const minThinkMs = options.minThinkMs ?? 800;
  const maxThinkMs = Math.max(minThinkMs, options.maxThinkMs ?? 4000);

  /** @type {{ round: number, answer: number, at: number } | null} */
  let pending = null;

  return new BasePlayer(QUIZ_ROOM, options, {
    onMessage(type, payload, now, context) {
      if (type !== QuizServerMessage.Question) return;
      const question = readQuestion(payload);
      if (!question) return context.malformed(QuizServerMessage.Question);
      const random = context.random;
      let answer;
      if (question.kind === "choice") {
        answer = randomIndex(random, question.options);
      } else {
        const { minValue, maxValue } = question;
        // whole numbers for whole ranges (years, counts), as a person would answer
        answer =
          Number.isInteger(minValue) && Number.isInteger(maxValue)
            ? minValue + randomIndex(random, maxValue - minValue + 1)
            : Math.min(maxValue, between(random, minValue, maxValue));
      }
      // think, but answer well inside the window: the network and the server's queue take their share
      const latest = Math.max(0, question.answerWindowMs * 0.75);
      const delay = Math.min(latest, between(random, minThinkMs, maxThinkMs));
      pending = { round: question.round, answer, at: now + delay };
    },

    tick(now, context) {
      if (pending && now >= pending.at) {
        context.send(QuizMessage.Answer, { round: pending.round, answer: pending.answer });
        pending = null;
      }
    },

    onGameError() {
      return false;
    },
  });
}

/** @type {ModePlayer} */
export const quizPlayer = {
  mode: QUIZ_ROOM,
  create: createQuizPlayer,
  // a full quiz starts at once; minPlayers lets the last, partly filled rooms start after the join window
  joinOptions: (env) => ({
    minPlayers: env.number("QUIZ_MIN_PLAYERS", 2),
    maxPlayers: env.number("QUIZ_MAX_PLAYERS", 8),
    rounds: env.number("QUIZ_ROUNDS", 5),
    category: env.string("QUIZ_CATEGORY", "any"),
  }),
  playerOptions: (env) => ({ minThinkMs: env.number("QUIZ_MIN_THINK_MS", 800), maxThinkMs: env.number("QUIZ_MAX_THINK_MS", 4000) }),
};
