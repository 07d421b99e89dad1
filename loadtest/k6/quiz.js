// k6 load test of the quiz mode: each VU joins a quiz of QUIZ_MAX_PLAYERS and answers every
// question once, after a human-like pause, with a valid answer; it leaves when the quiz ends.
//   k6 run -e ARENA_URL=http://127.0.0.1:2567 loadtest/k6/quiz.js
import { createQuizPlayer } from "../protocol/index.js";
import { envNumber, envString, scriptOptions } from "./lib/config.js";
import { playSession } from "./lib/session.js";
import { summaryHandler } from "./lib/summary.js";

export const options = scriptOptions("quiz");

// a full quiz starts at once; minPlayers lets the last, partly filled rooms start after the join window
const joinOptions = {
  minPlayers: envNumber("QUIZ_MIN_PLAYERS", 2),
  maxPlayers: envNumber("QUIZ_MAX_PLAYERS", 8),
  rounds: envNumber("QUIZ_ROUNDS", 5),
  category: envString("QUIZ_CATEGORY", "any"),
};
const minThinkMs = envNumber("QUIZ_MIN_THINK_MS", 800);
const maxThinkMs = envNumber("QUIZ_MAX_THINK_MS", 4000);

export default function () {
  playSession({ mode: "quiz", joinOptions, createPlayer: (options) => createQuizPlayer({ ...options, minThinkMs, maxThinkMs }) });
}

export const handleSummary = summaryHandler("quiz");
