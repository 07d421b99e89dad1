import { QUIZ_LIMITS } from "@arena/shared/modes/quiz/contract";
import { quizAnnouncements } from "@arena/shared/modes/quiz/announce";
import { quizProjection } from "@arena/shared/modes/quiz/projection";
import { quizRules } from "@arena/shared/modes/quiz/rules";
import { replayKit, type WebMode } from "../web-mode.js";
import { quizView } from "./view.js";

const CATEGORIES = ["any", "geography", "history", "science", "sport"];

export const quizWeb: WebMode<"quiz"> = {
  title: "Quiz",
  blurb: "Multiple-choice and number questions, against the clock.",
  options: [
    { key: "rounds", label: "Rounds", kind: "number", min: QUIZ_LIMITS.minRounds, max: QUIZ_LIMITS.maxRounds, value: 5 },
    { key: "minPlayers", label: "Start with", kind: "number", min: QUIZ_LIMITS.minPlayers, max: QUIZ_LIMITS.maxPlayers, value: 2 },
    { key: "maxPlayers", label: "Up to", kind: "number", min: QUIZ_LIMITS.minPlayers, max: QUIZ_LIMITS.maxPlayers, value: 4 },
    { key: "category", label: "Category", kind: "select", choices: CATEGORIES.map((c) => [c, c] as const) },
  ],
  view: quizView,
  replay: replayKit({ rules: quizRules, projection: quizProjection, announcements: quizAnnouncements }),
};
