import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCode, type QuizStatus } from "@arena/shared";
import { Rng } from "@arena/shared/kit/random";
import { judgeAnswer, type AnswerContext } from "../../src/rooms/quiz/answers.js";
import { publicQuestion, selectQuestions } from "../../src/rooms/quiz/questions.js";
import { replayQuiz, scoreQuiz, type LoggedAnswer, type QuizReplay, type QuizSettings } from "../../src/rooms/quiz/replay.js";
import {
  QUIZ_SCORING,
  numberRoundWinner,
  proximityPoints,
  rankPlayers,
  scoreRound,
  speedBonus,
  totalsOf,
} from "../../src/rooms/quiz/scoring.js";
import { choiceQuestion, numberQuestion, syntheticBank } from "../support/quiz-fixtures.js";

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

describe("quiz answer window (pure)", () => {
  const question = publicQuestion(choiceQuestion("q", 0));
  const open: AnswerContext = {
    status: "question",
    round: 2,
    totalRounds: 5,
    openedAt: 1_000,
    closesAt: 11_000,
    question,
    alreadyAnswered: false,
  };
  const codeOf = (context: Partial<AnswerContext>, round: number, answer: number, at: number) => {
    const verdict = judgeAnswer({ ...open, ...context }, { round, answer }, at);
    return verdict.accepted ? `accepted ${verdict.responseTimeMs}` : verdict.code;
  };

  it("accepts an answer inside the window and times it from the round opening", () => {
    assert.equal(codeOf({}, 2, 3, 1_250), "accepted 250");
    assert.equal(codeOf({}, 2, 3, 11_000), "accepted 10000", "the last millisecond still counts");
  });

  it("refuses late, duplicate, wrong-round, early and misfit answers with their codes", () => {
    assert.equal(codeOf({}, 2, 1, 11_001), ErrorCode.LateAnswer);
    assert.equal(codeOf({ status: "reveal" }, 2, 1, 5_000), ErrorCode.LateAnswer);
    assert.equal(codeOf({}, 1, 1, 5_000), ErrorCode.LateAnswer, "an answer for a past round");
    assert.equal(codeOf({ status: "finished", round: 5 }, 5, 1, 5_000), ErrorCode.LateAnswer);
    assert.equal(codeOf({ alreadyAnswered: true }, 2, 1, 5_000), ErrorCode.DuplicateAnswer);
    assert.equal(codeOf({}, 3, 1, 5_000), ErrorCode.WrongRound);
    assert.equal(codeOf({}, 6, 1, 5_000), ErrorCode.WrongRound);
    for (const status of ["waiting_for_players", "players_joining"] satisfies QuizStatus[]) {
      assert.equal(codeOf({ status, round: 0 }, 1, 1, 5_000), ErrorCode.WrongPhase);
    }
    assert.equal(codeOf({}, 2, 4, 5_000), ErrorCode.InvalidMessage, "option index out of range");
    assert.equal(codeOf({}, 2, 1.5, 5_000), ErrorCode.InvalidMessage, "not an index");
    const numberRound = { question: publicQuestion(numberQuestion("n", 1969, 1900, 2000)) };
    assert.equal(codeOf(numberRound, 2, 1899, 5_000), ErrorCode.InvalidMessage);
    assert.equal(codeOf(numberRound, 2, 1969.5, 5_000), "accepted 4000");
  });
});

/** A whole quiz played by seeded random players, as the room would log it. */
function randomQuiz(seed: number) {
  const settings: QuizSettings = {
    minPlayers: 2,
    maxPlayers: 4,
    rounds: 6,
    category: "any",
    joinWindowMs: 5_000,
    answerWindowMs: WINDOW_MS,
    revealMs: 3_000,
  };
  const bank = syntheticBank({ geography: [6, 6], science: [6, 6] });
  const questions = selectQuestions(bank, { seed, rounds: settings.rounds, category: settings.category });
  const rng = new Rng(seed);
  const players = ["p1", "p2", "p3", "p4"].map((playerId) => ({ playerId, name: playerId.toUpperCase() }));
  const answers: LoggedAnswer[] = [];
  questions.forEach((question, index) => {
    const round = index + 1;
    const arrivals = players
      .filter(() => rng.float() < 0.85)
      .map((p) => ({
        round,
        playerId: p.playerId,
        answer: question.kind === "choice" ? rng.int(0, 3) : rng.int(question.minValue, question.maxValue),
        responseTimeMs: rng.int(0, WINDOW_MS),
      }))
      .sort((a, b) => a.responseTimeMs - b.responseTimeMs);
    answers.push(...arrivals);
  });
  const replay: QuizReplay = { questionIds: questions.map((q) => q.id), players, answers };
  return { settings, bank, questions, replay };
}

describe("quiz determinism and replay (pure)", () => {
  it("gives the same points and standings for the same questions and answer log", () => {
    const { settings, questions, replay } = randomQuiz(77);
    const playerIds = replay.players.map((p) => p.playerId);
    const a = scoreQuiz(questions, playerIds, replay.answers, settings.answerWindowMs);
    const b = scoreQuiz(structuredClone(questions), [...playerIds], structuredClone(replay.answers), settings.answerWindowMs);
    assert.deepEqual(a, b);
    assert.equal(a.answers.length, replay.answers.length);
    assert.ok(a.standings.some((s) => s.score > 0));
  });

  it("replays a stored quiz (through JSON, as the database keeps it) to exactly the stored result", () => {
    for (const seed of [1, 2, 3, 42, 2024]) {
      const { settings, bank, questions, replay } = randomQuiz(seed);
      const stored = scoreQuiz(
        questions,
        replay.players.map((p) => p.playerId),
        replay.answers,
        settings.answerWindowMs,
      );
      const fromDatabase = JSON.parse(JSON.stringify({ settings, replay })) as { settings: QuizSettings; replay: QuizReplay };
      const replayed = replayQuiz(fromDatabase.settings, fromDatabase.replay, bank);
      assert.deepEqual(replayed, stored, `seed ${seed}`);
    }
  });

  it("refuses to replay with a question missing from the bank", () => {
    const { settings, replay } = randomQuiz(5);
    assert.throws(() => replayQuiz(settings, replay, []), /not in the bank/);
  });
});
