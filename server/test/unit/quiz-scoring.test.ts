import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  QUIZ_SCORING,
  numberRoundWinner,
  proximityPoints,
  rankPlayers,
  scoreRound,
  speedBonus,
  totalsOf,
} from "@arena/shared/modes/quiz/scoring";
import { choiceQuestion, numberQuestion } from "../support/quiz-fixtures.js";

const WINDOW_MS = 10_000;

describe("quiz scoring (pure)", () => {
  it("gives a correct choice answer 100 points plus a speed bonus falling to 0 at the end of the window", () => {
    const question = choiceQuestion("q", 2);
    const scored = scoreRound(
      question,
      [
        { playerId: "instant", answer: 2, responseTimeMs: 0 },
        { playerId: "half", answer: 2, responseTimeMs: 5_000 },
        { playerId: "last", answer: 2, responseTimeMs: 10_000 },
        { playerId: "wrong-fast", answer: 1, responseTimeMs: 10 },
      ],
      WINDOW_MS,
    );
    assert.deepEqual(
      scored.map((a) => [a.playerId, a.correct, a.points]),
      [
        ["instant", true, 150],
        ["half", true, 125],
        ["last", true, 100],
        ["wrong-fast", false, 0],
      ],
    );
    assert.equal(speedBonus(2_500, WINDOW_MS), Math.floor(QUIZ_SCORING.maxSpeedBonus * 0.75));
    assert.equal(speedBonus(99_999, WINDOW_MS), 0, "never negative");
  });

  it("scores number answers by distance and lets the closest win the round", () => {
    const question = numberQuestion("moon", 1969, 1900, 2000);
    const scored = scoreRound(
      question,
      [
        { playerId: "far", answer: 1900, responseTimeMs: 100 },
        { playerId: "close", answer: 1970, responseTimeMs: 900 },
        { playerId: "near", answer: 1960, responseTimeMs: 200 },
      ],
      WINDOW_MS,
    );
    const byPlayer = Object.fromEntries(scored.map((a) => [a.playerId, a]));
    assert.equal(byPlayer.close!.correct, true, "closest wins, however slow");
    assert.equal(byPlayer.close!.points, QUIZ_SCORING.roundWinPoints + proximityPoints(1, 100));
    assert.equal(byPlayer.near!.correct, false);
    assert.equal(byPlayer.near!.points, proximityPoints(9, 100));
    assert.equal(byPlayer.far!.points, proximityPoints(69, 100));
    assert.ok(byPlayer.close!.points > byPlayer.near!.points && byPlayer.near!.points > byPlayer.far!.points);
    assert.equal(proximityPoints(0, 100), QUIZ_SCORING.maxProximityPoints);
    assert.equal(proximityPoints(100, 100), 0);
  });

  it("breaks a tie in distance by the earliest answer, then by arrival order", () => {
    const question = numberQuestion("q", 50, 0, 100);
    const tie = [
      { playerId: "later", answer: 40, responseTimeMs: 800 },
      { playerId: "earlier", answer: 60, responseTimeMs: 300 },
      { playerId: "same-time-second", answer: 60, responseTimeMs: 300 },
    ];
    assert.equal(numberRoundWinner(question, tie), 1);
    const scored = scoreRound(question, tie, WINDOW_MS);
    assert.deepEqual(
      scored.map((a) => a.correct),
      [false, true, false],
    );
    assert.equal(numberRoundWinner(question, []), -1);
  });

  it("ranks by score and gives equal scores the same placement", () => {
    const ranked = rankPlayers([
      { playerId: "a", score: 120, correctAnswers: 1 },
      { playerId: "b", score: 300, correctAnswers: 2 },
      { playerId: "c", score: 120, correctAnswers: 1 },
      { playerId: "d", score: 0, correctAnswers: 0 },
    ]);
    assert.deepEqual(
      ranked.map((r) => [r.playerId, r.placement]),
      [
        ["b", 1],
        ["a", 2],
        ["c", 2],
        ["d", 4],
      ],
    );
    assert.deepEqual(totalsOf(["x", "y"], []), [
      { playerId: "x", score: 0, correctAnswers: 0 },
      { playerId: "y", score: 0, correctAnswers: 0 },
    ]);
  });
});
