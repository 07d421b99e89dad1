import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCode } from "@arena/shared";
import { Rng } from "@arena/shared/kit/random";
import { ReplayMismatch, decodeLog, replayMatch, type LoggedInput, type RulesInput, type SeatedPlayer, type Time } from "@arena/shared/kit/rules";
import { selectQuestions, type QuizQuestion } from "@arena/shared/modes/quiz/questions";
import { quizRules, type QuizEvent, type QuizMatch, type QuizMessages, type QuizSettings } from "@arena/shared/modes/quiz/rules";
import { speedBonus } from "@arena/shared/modes/quiz/scoring";
import { choiceQuestion, numberQuestion, syntheticBank } from "../support/quiz-fixtures.js";

const WINDOW_MS = 10_000;
const REVEAL_MS = 3_000;

type Input = RulesInput<QuizMessages>;

function settingsWith(questions: QuizQuestion[]): QuizSettings {
  return { minPlayers: 1, maxPlayers: 4, rounds: questions.length, category: "test", joinWindowMs: 5_000, answerWindowMs: WINDOW_MS, revealMs: REVEAL_MS, questions };
}

const playerIdOf = (seat: number) => `00000000-0000-4000-8000-${String(seat + 1).padStart(12, "0")}`;
const seated = (count: number): SeatedPlayer[] => Array.from({ length: count }, (_, seat) => ({ seat, playerId: playerIdOf(seat), name: `P${seat}` }));

const answer = (seat: number, round: number, value: number): Input => ({ type: "answer", seat, payload: { round, answer: value } });
const presence = (seat: number, connected: boolean): Input => ({ type: "presence", seat, connected });
const leave = (seat: number): Input => ({ type: "leave", seat });

/** A quiz as the room runs it: time moves to each input, the rules take or refuse it, the accepted ones make the log. */
class Table {
  match: QuizMatch;
  readonly log: Array<LoggedInput<QuizMessages>> = [];
  readonly events: QuizEvent[] = [];

  constructor(
    readonly settings: QuizSettings,
    readonly players: SeatedPlayer[] = seated(2),
    readonly seed = 1,
  ) {
    this.match = quizRules.create({ seed, settings, players });
  }

  get setup() {
    return { seed: this.seed, settings: this.settings, players: this.players };
  }

  advance(to: Time): QuizEvent[] {
    const { events } = quizRules.advance(this.match, to);
    this.events.push(...events);
    return events;
  }

  /** The input at `at`: undefined when the rules took it, else the refusal's code. */
  send(at: Time, input: Input): string | undefined {
    this.advance(at);
    const step = quizRules.apply(this.match, input, at);
    if (step.refused) return step.code;
    if (step.logged !== false) this.log.push([at, input]);
    this.events.push(...step.events);
    return undefined;
  }

  /** The input at `at` is refused and leaves the state exactly as it was: its code. */
  refused(at: Time, input: Input): string {
    this.advance(at);
    const before = structuredClone(this.match);
    const step = quizRules.apply(this.match, input, at);
    assert.ok(step.refused, `${JSON.stringify(input)} at ${at} should be refused`);
    assert.deepEqual(this.match, before, `refusing ${JSON.stringify(input)} changed the state`);
    return step.code;
  }

  /** Lets the deadlines run the quiz to its end. */
  finish(): void {
    for (let deadline = quizRules.nextDeadline(this.match); deadline !== null; deadline = quizRules.nextDeadline(this.match)) this.advance(deadline);
  }
}

const questions = [choiceQuestion("c1", 2), numberQuestion("n1", 1969, 1900, 2000), choiceQuestion("c2", 0), choiceQuestion("c3", 1), choiceQuestion("c4", 3)];

describe("quiz rules: a quiz driven by inputs and deadlines", () => {
  it("plays a whole quiz: early closes, windows that run out, reveals, points and placements", () => {
    const table = new Table(settingsWith(questions.slice(0, 3)));
    const { match } = table;
    assert.deepEqual([match.phase, match.round, quizRules.nextDeadline(match)], ["question", 1, WINDOW_MS], "round 1 opens with the match");

    // round 1: both answer, so it closes at the second answer, not at the window's end
    assert.equal(table.send(1_000, answer(0, 1, 2)), undefined);
    assert.equal(table.send(4_000, answer(1, 1, 1)), undefined);
    assert.deepEqual([match.phase, quizRules.nextDeadline(match)], ["reveal", 4_000 + REVEAL_MS]);
    assert.deepEqual(
      match.results[0]!.answers.map((a) => [a.seat, a.correct, a.points, a.responseTimeMs]),
      [
        [0, true, 100 + speedBonus(1_000, WINDOW_MS), 1_000],
        [1, false, 0, 4_000],
      ],
    );

    // round 2 opens when the reveal ends; only seat 0 answers and the window runs out
    assert.deepEqual(table.advance(7_000).map((e) => e.type), ["round-opened"]);
    assert.equal(table.send(7_500, answer(0, 2, 1969)), undefined);
    assert.deepEqual(table.advance(17_000 - 0.001), [], "the window is still open");
    const closed = table.advance(17_000);
    assert.deepEqual(closed.map((e) => e.type), ["round-closed"]);
    assert.equal(match.results[1]!.winnerSeat, 0);
    assert.equal(match.results[1]!.answers[0]!.points, 150, "exact hit: win bonus plus full proximity points");

    // round 3 opens at 20 000; the last answer closes it early at 29 999
    table.advance(20_000);
    assert.equal(table.send(22_000, answer(1, 3, 0)), undefined);
    assert.equal(table.send(29_999, answer(0, 3, 3)), undefined);
    assert.equal(match.phase, "reveal");
    table.finish();

    assert.equal(match.phase, "finished");
    assert.equal(quizRules.now(match), 29_999 + REVEAL_MS, "the quiz ends when the last reveal does");
    const outcome = quizRules.outcome(match);
    assert.equal(outcome.status, "completed");
    assert.equal(outcome.reason, "finished");
    assert.deepEqual(
      outcome.standings.map((s) => [s.name, s.placement, s.score, s.details.correctAnswers]),
      [
        ["P0", 1, 145 + 150, 2],
        ["P1", 2, 100 + speedBonus(2_000, WINDOW_MS), 1],
      ],
    );
    assert.deepEqual(outcome.summary, { players: 2, roundsPlayed: 3, totalRounds: 3, answers: 5 });
    assert.deepEqual(
      outcome.rows!.quiz_answers!.map((r) => [r.round, r.questionId, r.playerId, r.points]),
      [
        [1, "c1", playerIdOf(0), 145],
        [1, "c1", playerIdOf(1), 0],
        [2, "n1", playerIdOf(0), 150],
        [3, "c2", playerIdOf(1), 140],
        [3, "c2", playerIdOf(0), 0],
      ],
    );
    assert.deepEqual(match.players.map((p) => p.placement), [1, 2]);
    assert.deepEqual(
      table.events.map((e) => (e.type === "round-opened" ? `open ${e.round}` : `close ${e.result.round}`)),
      ["close 1", "open 2", "close 2", "open 3", "close 3"],
    );
  });

  it("never puts the correct option or the target into what a round-opened event carries", () => {
    const table = new Table(settingsWith(questions.slice(0, 2)));
    table.send(100, answer(0, 1, 2));
    table.send(200, answer(1, 1, 2));
    const [opened] = table.advance(200 + REVEAL_MS);
    assert.ok(opened?.type === "round-opened");
    assert.deepEqual(Object.keys(opened.question).sort(), ["category", "id", "kind", "maxValue", "minValue", "options", "prompt"]);
    assert.ok(!Object.values(opened.question).includes(1969));
  });
});

describe("quiz rules: answers", () => {
  /** Round 2 open at 7 000 (round 1 closed early at 4 000), seat 0 has answered it. */
  function roundTwo(players = 2): Table {
    const table = new Table(settingsWith(questions), seated(players));
    for (let seat = 0; seat < players; seat++) table.send(1_000 * (seat + 1), answer(seat, 1, 2));
    table.advance(players * 1_000 + REVEAL_MS);
    assert.deepEqual([table.match.round, table.match.phase], [2, "question"]);
    return table;
  }

  it("times an answer from the round opening; the window closes answerWindowMs after it opened", () => {
    const table = roundTwo(3);
    const opened = table.match.openedAt;
    assert.equal(table.send(opened + 250, answer(0, 2, 1969.5)), undefined, "any number inside the range");
    assert.equal(table.match.pending.at(-1)!.responseTimeMs, 250);
    assert.equal(table.send(opened + WINDOW_MS - 1, answer(1, 2, 1900)), undefined, "the last millisecond still counts");
    assert.equal(table.match.pending.at(-1)!.responseTimeMs, WINDOW_MS - 1);
    assert.equal(table.refused(opened + WINDOW_MS, answer(2, 2, 1950)), ErrorCode.LateAnswer);
  });

  it("refuses late, duplicate, wrong-round, misfit and seatless answers with their codes and changes nothing", () => {
    const table = roundTwo();
    const at = table.match.openedAt + 1_000;
    assert.equal(table.send(at, answer(0, 2, 1950)), undefined);
    assert.equal(table.refused(at, answer(0, 2, 1969)), ErrorCode.DuplicateAnswer);
    assert.equal(table.refused(at, answer(1, 1, 2)), ErrorCode.DuplicateAnswer, "round 1 was answered too");
    assert.equal(table.refused(at, answer(1, 3, 0)), ErrorCode.WrongRound, "a round that is not open yet");
    assert.equal(table.refused(at, answer(1, 6, 0)), ErrorCode.WrongRound, "a round this quiz does not have");
    assert.equal(table.refused(at, answer(1, 2, 1899)), ErrorCode.InvalidMessage, "below the range");
    assert.equal(table.refused(at, answer(1, 2, 2000.5)), ErrorCode.InvalidMessage, "above the range");
    assert.equal(table.refused(at, answer(7, 2, 1950)), ErrorCode.NotParticipant, "no player in that seat");
    assert.equal(table.refused(at, { type: "join", seat: 2, playerId: playerIdOf(2), name: "late" }), ErrorCode.WrongPhase);

    // seat 1 answers nothing: the window runs out, round 2 is shown, then round 3 opens
    table.advance(table.match.phaseEndsAt);
    assert.equal(table.match.phase, "reveal");
    assert.equal(table.refused(table.match.now + 1, answer(1, 2, 1950)), ErrorCode.LateAnswer, "during the reveal");
    table.advance(table.match.phaseEndsAt);
    const round3 = table.match.now + 1;
    assert.equal(table.refused(round3, answer(1, 2, 1950)), ErrorCode.LateAnswer, "a past round");
    assert.equal(table.refused(round3, answer(1, 3, 4)), ErrorCode.InvalidMessage, "option index out of range");
    assert.equal(table.refused(round3, answer(1, 3, 1.5)), ErrorCode.InvalidMessage, "not an index");
    assert.equal(table.refused(round3, answer(1, 3, -1)), ErrorCode.InvalidMessage);

    assert.equal(table.send(round3, leave(1)), undefined);
    assert.equal(table.refused(round3 + 1, answer(1, 3, 0)), ErrorCode.NotParticipant, "a player who left answers nothing more");
    assert.equal(table.send(round3 + 2, { type: "stop", reason: "shutdown" }), undefined);
    assert.equal(table.refused(round3 + 3, answer(0, 3, 0)), ErrorCode.WrongPhase, "the quiz is over");
  });
});

describe("quiz rules: connections, leaving and stopping", () => {
  it("closes the round once every connected player has answered; a dropped player does not hold it open", () => {
    const table = new Table(settingsWith(questions), seated(3));
    table.send(1_000, answer(0, 1, 2));
    table.send(2_000, answer(1, 1, 2));
    assert.equal(table.match.phase, "question", "seat 2 has not answered");
    assert.equal(table.send(3_000, presence(2, false)), undefined);
    assert.equal(table.match.phase, "reveal", "the round closed when seat 2 dropped");
    assert.equal(table.match.phaseEndsAt, 3_000 + REVEAL_MS);
    assert.deepEqual(table.log.at(-1), [3_000, presence(2, false)], "a connection change is logged: it changed the flow");

    table.advance(6_000);
    assert.equal(table.send(6_500, presence(2, true)), undefined);
    assert.equal(table.send(6_600, presence(2, true)), undefined);
    assert.equal(table.log.filter(([, input]) => input.type === "presence").length, 2, "a presence that changes nothing is not logged");
    table.send(7_000, answer(0, 2, 1950));
    table.send(8_000, answer(1, 2, 1950));
    assert.equal(table.match.phase, "question", "seat 2 is back and has not answered");
    table.send(9_000, answer(2, 2, 1950));
    assert.equal(table.match.phase, "reveal");

    // everyone drops without answering: the window stays open for those who may come back
    table.advance(12_000);
    for (const seat of [0, 1, 2]) table.send(12_100 + seat, presence(seat, false));
    assert.equal(table.match.phase, "question");
    assert.equal(quizRules.nextDeadline(table.match), 12_000 + WINDOW_MS);
    table.advance(12_000 + WINDOW_MS);
    assert.deepEqual(table.match.results[2]!.answers, [], "round 3 closed at its deadline with no answers");
  });

  it("keeps the points of a player who leaves; everyone gone ends the quiz as aborted, the open round counted", () => {
    const table = new Table(settingsWith(questions), seated(3));
    table.send(1_000, answer(0, 1, 2));
    table.send(2_000, answer(1, 1, 2));
    table.send(2_500, answer(2, 1, 0));
    const kept = table.match.players[1]!.score;
    assert.ok(kept > 0);
    table.advance(2_500 + REVEAL_MS);
    table.send(6_000, answer(0, 2, 1950));
    table.send(6_200, answer(2, 2, 1950));
    assert.equal(table.send(6_500, leave(1)), undefined);
    assert.equal(table.match.phase, "reveal", "everyone still in has answered: the round closes");
    assert.equal(table.send(6_600, leave(1)), undefined);
    assert.equal(table.log.filter(([, input]) => input.type === "leave").length, 1, "leaving twice is logged once");

    table.advance(6_500 + REVEAL_MS);
    table.send(10_000, answer(0, 3, 0));
    assert.equal(table.send(11_000, leave(0)), undefined);
    assert.equal(table.match.phase, "question", "seat 2 is still in and has not answered");
    assert.equal(table.send(11_500, leave(2)), undefined);
    assert.ok(quizRules.isOver(table.match));
    const outcome = quizRules.outcome(table.match);
    assert.deepEqual([outcome.status, outcome.reason, outcome.summary.roundsPlayed], ["aborted", "everyone-left", 3]);
    const leaver = outcome.standings.find((s) => s.seat === 1)!;
    assert.equal(leaver.score, kept);
    assert.equal(leaver.leftEarly, true);
    assert.deepEqual(leaver.details, { correctAnswers: 1, left: true });
    assert.deepEqual(
      outcome.rows!.quiz_answers!.filter((r) => r.round === 3).map((r) => r.playerId),
      [playerIdOf(0)],
      "the answer given in the open round counts",
    );
  });

  it("a stop ends the quiz as aborted after the rounds played, the open round's answers counted", () => {
    const table = new Table(settingsWith(questions));
    table.send(1_000, answer(0, 1, 2));
    table.send(2_000, answer(1, 1, 0));
    table.advance(2_000 + REVEAL_MS);
    table.send(5_500, answer(1, 2, 1969));
    assert.equal(table.send(6_000, { type: "stop", reason: "shutdown" }), undefined);
    assert.deepEqual(table.events.slice(-1).map((e) => e.type), ["round-closed"], "the open round is closed and shown");
    const outcome = quizRules.outcome(table.match);
    assert.deepEqual([outcome.status, outcome.reason, outcome.summary.roundsPlayed, outcome.summary.answers], ["aborted", "shutdown", 2, 3]);
    assert.equal(outcome.standings[0]!.seat, 1, "seat 1 won the number round");
    assert.equal(quizRules.nextDeadline(table.match), null);
  });
});

/** A quiz of four seeded random players who answer, drop, come back and sometimes leave; timers may fire late. */
function randomQuiz(seed: number): Table {
  const picked = selectQuestions(syntheticBank({ geography: [6, 6], science: [6, 6] }), { seed, rounds: 6, category: "any" });
  const table = new Table(settingsWith(picked), seated(4), seed);
  const rng = new Rng(seed);
  let now = 0;
  for (let step = 0; step < 400 && !quizRules.isOver(table.match); step++) {
    const at = now + Math.round(rng.float() * 3_000_000) / 1000;
    // a room's deadline timer fires somewhere in between, as late as it likes
    if (rng.float() < 0.3) table.advance(now + rng.float() * (at - now));
    now = at;
    const seat = rng.int(0, 3);
    const roll = rng.float();
    const round = table.match.round + (rng.float() < 0.1 ? 1 : 0);
    const question = picked[table.match.round - 1]!;
    const value = question.kind === "choice" ? rng.int(0, 3) : rng.int(question.minValue, question.maxValue);
    table.send(now, roll < 0.8 ? answer(seat, round, value) : roll < 0.99 ? presence(seat, rng.float() < 0.6) : leave(seat));
  }
  table.finish();
  return table;
}

describe("quiz rules: determinism and replay", () => {
  it("gives the same quiz for the same seed and inputs, another for another seed", () => {
    const a = randomQuiz(77);
    const b = randomQuiz(77);
    assert.deepEqual(a.match, b.match);
    assert.deepEqual(quizRules.outcome(a.match), quizRules.outcome(b.match));
    assert.ok(a.log.length > 10 && a.match.results.length > 0);
    assert.notDeepEqual(quizRules.outcome(randomQuiz(78).match), quizRules.outcome(a.match));
  });

  it("replays the recorded log (through JSON, as the database keeps it) to exactly the outcome", () => {
    for (const seed of [1, 2, 3, 42, 2024, 9_001]) {
      const table = randomQuiz(seed);
      const stored = JSON.parse(JSON.stringify({ setup: table.setup, inputs: table.log })) as { setup: Table["setup"]; inputs: Array<[number, unknown]> };
      const replayed = replayMatch(quizRules, stored.setup, decodeLog(quizRules, stored.inputs));
      assert.deepEqual(quizRules.outcome(replayed), quizRules.outcome(table.match), `seed ${seed}`);
      assert.deepEqual(replayed.results, table.match.results, `seed ${seed}: every round as played`);
    }
  });

  it("replays from the stored settings alone: the questions as played travel with them", () => {
    const table = randomQuiz(5);
    const stored = JSON.parse(JSON.stringify(table.setup)) as Table["setup"];
    // the bank changes after the match: the stored settings do not
    for (const question of table.settings.questions) if (question.kind === "choice") question.correctIndex = (question.correctIndex + 1) % 4;
    const replayed = replayMatch(quizRules, stored, table.log);
    assert.deepEqual(replayed.results.map((r) => r.answers), structuredClone(table.match.results).map((r) => r.answers));
  });

  it("refuses to replay a log these rules would not have taken", () => {
    const table = randomQuiz(3);
    const tampered = [...table.log, [table.match.now, answer(0, 1, 0)] as LoggedInput<QuizMessages>];
    assert.throws(() => replayMatch(quizRules, table.setup, tampered), ReplayMismatch);
  });

  it("advances in two steps to where one step goes: same state, same events (timers firing late change nothing)", () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 200; trial++) {
      const base = randomQuiz(1 + (trial % 7));
      // rewind to a state mid-quiz: replay part of its log
      const cut = rng.int(0, base.log.length);
      const start = replayMatch(quizRules, base.setup, base.log.slice(0, cut), base.log[cut]?.[0] ?? base.match.now);
      const a = start.now + rng.float() * 40_000;
      const b = a + rng.float() * 40_000;
      const split = structuredClone(start);
      const whole = structuredClone(start);
      const splitEvents = [...quizRules.advance(split, a).events, ...quizRules.advance(split, b).events];
      const wholeEvents = quizRules.advance(whole, b).events;
      assert.deepEqual(split, whole, `trial ${trial}: ${a} then ${b}`);
      assert.deepEqual(splitEvents, wholeEvents, `trial ${trial}`);
    }
  });
});
