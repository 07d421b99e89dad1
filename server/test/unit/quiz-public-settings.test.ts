import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { QuizSettings } from "@arena/shared/modes/quiz/rules";
import { quizMode } from "../../src/modes/quiz/index.js";

const settings: QuizSettings = {
  minPlayers: 1,
  maxPlayers: 2,
  rounds: 3,
  category: "any",
  joinWindowMs: 0,
  answerWindowMs: 1000,
  revealMs: 0,
  questions: [
    { id: "q1", category: "geo", kind: "choice", prompt: "Capital of France?", options: ["Lyon", "Paris"], correctIndex: 1 },
    { id: "q2", category: "geo", kind: "number", prompt: "Height of Everest (m)?", target: 8849, minValue: 5000, maxValue: 10000 },
    { id: "q3", category: "geo", kind: "choice", prompt: "Longest river?", options: ["Nile", "Rhine"], correctIndex: 0 },
  ],
};

describe("quiz settings shown to anyone", () => {
  it("reveal the played rounds of a stored quiz, and nothing of a round never played", () => {
    const shown = quizMode.publicSettings!(settings, { summary: { roundsPlayed: 1 } }) as QuizSettings;
    assert.deepEqual(shown.questions[0], settings.questions[0]);
    for (const question of shown.questions.slice(1)) {
      assert.equal(question.prompt, "");
      const text = JSON.stringify(question);
      assert.ok(!text.includes("8849") && !text.includes("Nile"), `no answer of an unplayed round: ${text}`);
    }
    assert.deepEqual(shown.questions.map((q) => q.id), ["q1", "q2", "q3"]);
  });

  it("reveal nothing while the quiz runs (the room's log)", () => {
    const shown = JSON.stringify(quizMode.publicSettings!(settings));
    for (const secret of ["Paris", "8849", "Nile", "Capital"]) assert.ok(!shown.includes(secret), secret);
  });
});
