// first: records the raw frames of every client WebSocket (must load before the SDK)
import { framesContain, framesOf, wireEncodingsOf } from "../support/frame-recorder.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCode, type ErrorPayload, type QuizRoom } from "@arena/client-sdk";
import type { QuizFinishedPayload, QuizJoinOptionsInput, QuizRoundResultPayload } from "@arena/shared/modes/quiz/contract";
import type { QuizQuestion } from "@arena/shared/modes/quiz/questions";
import { proximityPoints } from "@arena/shared/modes/quiz/scoring";
import { answering, autoAnswer, collectRoundResults, correctAnswer, loadBank, wrongAnswer } from "../support/quiz-play.js";
import { player } from "../support/players.js";
import { TEST_DATABASE_URL, startServer, type ServerProcess } from "../support/server-process.js";

const ANSWER_WINDOW_MS = 1_500;
const REVEAL_MS = 250;
const JOIN_WINDOW_MS = 400;
const RECONNECT_WINDOW_S = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("quiz room over real WebSockets", () => {
  let server: ServerProcess;
  let bank: Map<string, QuizQuestion>;

  before(async () => {
    server = await startServer({
      env: {
        DATABASE_URL: TEST_DATABASE_URL,
        QUIZ_JOIN_WINDOW_MS: String(JOIN_WINDOW_MS),
        QUIZ_ANSWER_WINDOW_MS: String(ANSWER_WINDOW_MS),
        QUIZ_REVEAL_MS: String(REVEAL_MS),
        RECONNECT_WINDOW_S: String(RECONNECT_WINDOW_S),
      },
    });
    bank = await loadBank(TEST_DATABASE_URL);
  });
  after(async () => {
    await server.stop();
  });

  /** Joins `names.length` players with the same options; the last one fills the room when maxPlayers matches. */
  async function join(options: QuizJoinOptionsInput, ...names: string[]): Promise<QuizRoom[]> {
    const rooms: QuizRoom[] = [];
    for (const name of names) rooms.push(await (await player(server.url, name)).joinQuiz(options));
    assert.equal(new Set(rooms.map((r) => r.roomId)).size, 1, "matchmaking put everyone in one room");
    return rooms;
  }

  function questionOf(id: string): QuizQuestion {
    const question = bank.get(id);
    assert.ok(question, `question ${id} is in the bank`);
    return question;
  }

  it("plays a whole quiz: right answers beat wrong ones, scores and placements add up", async () => {
    const [alice, bob] = (await join({ rounds: 3, minPlayers: 2, maxPlayers: 2, category: "geography" }, "alice", "bob")) as [
      QuizRoom,
      QuizRoom,
    ];
    const results = collectRoundResults(alice);
    const finishedA = alice.next("finished", 20_000);
    const finishedB = bob.next("finished", 20_000);
    const stops = [autoAnswer(alice, answering(bank, true)), autoAnswer(bob, answering(bank, false), 50)];
    const [fa, fb] = await Promise.all([finishedA, finishedB]);
    stops.forEach((stop) => stop());

    assert.deepEqual(fa, fb, "everyone gets the same final standings");
    assert.equal(fa.status, "completed");
    assert.equal(fa.roundsPlayed, 3);
    const [first, second] = fa.standings;
    assert.equal(first?.name, "alice");
    assert.equal(first?.placement, 1);
    assert.equal(first?.correctAnswers, 3);
    assert.equal(second?.name, "bob");
    assert.equal(second?.placement, 2);
    assert.equal(second?.correctAnswers, 0);

    assert.equal(results.length, 3);
    for (const result of results) {
      const question = questionOf(result.questionId);
      assert.equal(question.category, "geography");
      const mine = result.answers.find((a) => a.name === "alice")!;
      const theirs = result.answers.find((a) => a.name === "bob")!;
      assert.equal(mine.answer, correctAnswer(question));
      assert.equal(theirs.answer, wrongAnswer(question));
      assert.equal(mine.correct, true);
      assert.equal(theirs.correct, false);
      assert.ok(mine.responseTimeMs >= 0 && mine.responseTimeMs <= ANSWER_WINDOW_MS);
      if (question.kind === "choice") {
        assert.equal(result.correctIndex, question.correctIndex);
        assert.ok(mine.points >= 100 && mine.points <= 150, `choice points ${mine.points}`);
        assert.equal(theirs.points, 0);
      } else {
        assert.equal(result.target, question.target);
        assert.equal(result.winnerSessionId, alice.sessionId);
        assert.equal(mine.points, 150, "exact hit: win bonus plus full proximity points");
        const range = question.maxValue - question.minValue;
        assert.equal(theirs.points, proximityPoints(Math.abs(wrongAnswer(question) - question.target), range));
      }
    }
    const sum = (name: string) => results.flatMap((r) => r.answers.filter((a) => a.name === name)).reduce((s, a) => s + a.points, 0);
    assert.equal(first.score, sum("alice"));
    assert.equal(second.score, sum("bob"));
    assert.ok(results.some((r) => r.kind === "number") && results.some((r) => r.kind === "choice"), "both kinds were played");

    await alice.waitFor((s) => s.status === "finished" && s.players.get(alice.sessionId)!.placement === 1);
    assert.equal(alice.state.players.get(alice.sessionId)!.score, first.score);
    assert.equal(alice.state.players.get(bob.sessionId)!.placement, 2);
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it("refuses early, duplicate, wrong-round, invalid and late answers with typed errors and changes nothing", async () => {
    const options = { rounds: 4, minPlayers: 2, maxPlayers: 2, category: "science" };
    const [alice] = (await join(options, "alice")) as [QuizRoom];
    const aliceErrors: ErrorPayload[] = [];
    alice.onError((e) => aliceErrors.push(e));
    const early = alice.next("error");
    alice.send("answer", { answer: 0, round: 1 });
    assert.equal((await early).code, ErrorCode.WrongPhase, "no answers before the quiz starts");

    const [bob] = (await join(options, "bob")) as [QuizRoom];
    const bobErrors: ErrorPayload[] = [];
    bob.onError((e) => bobErrors.push(e));
    const results = collectRoundResults(bob);
    await bob.waitFor((s) => s.status === "question" && s.round === 1);
    const question = questionOf(bob.state.question.id);

    // invalid payloads: refused one by one, the client stays connected, the state does not move
    const snapshot = () => {
      const json = bob.state.toJSON() as { countdownMs?: number };
      delete json.countdownMs;
      return JSON.stringify(json);
    };
    const before = snapshot();
    const invalid: unknown[] = [
      { round: 1 },
      { round: "1", answer: 0 },
      { round: 1, answer: "0" },
      { round: 1.5, answer: 0 },
      { round: 0, answer: 0 },
      { round: 1, answer: 0, extra: true },
      { round: 1, answer: question.kind === "choice" ? question.options.length : question.maxValue + 1 },
      { round: 1, answer: question.kind === "choice" ? -1 : question.minValue - 1 },
      null,
      "a",
      [1, 0],
    ];
    for (const payload of invalid) bob.room.send("answer", payload);
    bob.room.send("cheat", { reveal: true });
    await sleep(300);
    assert.deepEqual(
      bobErrors.map((e) => e.code),
      [...invalid.map(() => ErrorCode.InvalidMessage), ErrorCode.UnknownMessage],
    );
    assert.equal(snapshot(), before, "nothing changed");
    assert.equal(bob.state.players.get(bob.sessionId)!.answered, false);

    // alice answers twice: the second is refused and the first one counts
    const first = wrongAnswer(question);
    alice.send("answer", { answer: first, round: 1 });
    alice.send("answer", { answer: correctAnswer(question), round: 1 });
    const duplicate = await alice.next("error");
    assert.equal(duplicate.code, ErrorCode.DuplicateAnswer);
    assert.equal(duplicate.cause, "answer");

    // bob tries the next round before it opens
    bob.send("answer", { answer: 0, round: 2 });
    await sleep(150);
    assert.equal(bobErrors.at(-1)?.code, ErrorCode.WrongRound);

    // bob stays silent until the window closes, then answers round 1: too late
    await bob.waitFor((s) => s.status === "reveal" && s.round === 1, ANSWER_WINDOW_MS + 2_000);
    bob.send("answer", { answer: correctAnswer(question), round: 1 });
    await sleep(150);
    assert.equal(bobErrors.at(-1)?.code, ErrorCode.LateAnswer);
    await bob.waitFor((s) => s.status === "question" && s.round === 2);
    bob.send("answer", { answer: correctAnswer(question), round: 1 });
    await sleep(150);
    assert.equal(bobErrors.at(-1)?.code, ErrorCode.LateAnswer, "an answer for a past round is late too");

    const round1 = results.find((r) => r.round === 1)!;
    assert.deepEqual(
      round1.answers.map((a) => [a.name, a.answer]),
      [["alice", first]],
      "only alice's first answer counted; bob's refused answers did not",
    );
    // a wrong option is wrong; in a number round the only answer is the closest one
    assert.equal(round1.answers[0]!.correct, question.kind === "number");
    assert.equal(bob.state.players.get(alice.sessionId)!.score, round1.answers[0]!.points);

    // still connected: a valid answer to the open round is taken
    const question2 = questionOf(bob.state.question.id);
    bob.send("answer", { answer: correctAnswer(question2), round: 2 });
    await bob.waitFor((s) => s.players.get(bob.sessionId)!.answered, 2_000);
    assert.equal(aliceErrors.length, 2, "alice got exactly the two errors she caused");
    await Promise.all([alice.leave(), bob.leave()]);
  });

  it("never lets the correct answer or the target reach a client before the round closes", async () => {
    const rooms = await join({ rounds: 4, minPlayers: 2, maxPlayers: 2, category: "history" }, "watcher-1", "watcher-2");
    type Seen = { frame: number; status: string; round: number; json: Record<string, unknown> };
    const records = rooms.map((room) => {
      const frames = framesOf(room.sessionId);
      const snapshots: Seen[] = [];
      const messages: Array<{ frame: number; type: string; payload: unknown }> = [];
      const record = (type: string) => (payload: unknown) => messages.push({ frame: frames.length - 1, type, payload });
      room.on("round_result", record("round_result"));
      room.on("finished", record("finished"));
      room.onError(record("error"));
      room.room.onMessage("*", (type: string | number, payload: unknown) => record(String(type))(payload));
      const snap = () =>
        snapshots.push({
          frame: frames.length - 1,
          status: room.state.status,
          round: room.state.round,
          json: room.state.toJSON() as Record<string, unknown>,
        });
      snap();
      room.onStateChange(snap);
      return { room, frames, snapshots, messages };
    });
    const [a, b] = rooms as [QuizRoom, QuizRoom];
    const finished = a.next("finished", 20_000);
    const stops = [autoAnswer(a, answering(bank, true), 100), autoAnswer(b, answering(bank, false), 200)];
    const final: QuizFinishedPayload = await finished;
    stops.forEach((stop) => stop());
    await b.waitFor((s) => s.status === "finished");
    assert.equal(final.roundsPlayed, 4);

    for (const { frames, snapshots, messages } of records) {
      const questionIds = new Map<number, string>();
      for (const s of snapshots) if (s.status === "question") questionIds.set(s.round, (s.json.question as { id: string }).id);
      assert.equal(questionIds.size, 4, "the client saw every question");
      const questions = [...questionIds.values()].map(questionOf);
      // values that legitimately travel as numbers of other fields cannot be told apart in raw bytes
      const otherValues = (q: QuizQuestion) =>
        questions.flatMap((o) => (o.kind === "number" ? [o.minValue, o.maxValue, ...(o.id === q.id ? [] : [o.target])] : []));

      for (const [round, id] of questionIds) {
        const question = questionOf(id);
        const resultMessage = messages.find((m) => m.type === "round_result" && (m.payload as QuizRoundResultPayload).round === round);
        const revealSnapshot = snapshots.find((s) => s.round === round && s.status !== "question");
        assert.ok(resultMessage && revealSnapshot, `round ${round} was revealed`);
        const revealFrame = Math.min(resultMessage.frame, revealSnapshot.frame);

        // the decoded state during the window: public fields only, nothing revealed, nobody's points
        const during = snapshots.filter((s) => s.round === round && s.status === "question");
        assert.ok(during.length > 0);
        for (const s of during) {
          const view = s.json.question as Record<string, unknown>;
          assert.equal(view.revealed, false);
          assert.equal(view.correctIndex, -1);
          assert.equal(view.target, 0);
          for (const player of Object.values(s.json.players as Record<string, Record<string, unknown>>)) {
            assert.equal(player.roundPoints, 0);
            assert.equal(player.roundCorrect, false);
          }
        }
        // no decoded message before the reveal carries this round's result
        for (const m of messages.filter((m) => m.frame < revealFrame)) {
          assert.ok(m.type === "round_result" || m.type === "error", `unexpected message ${m.type}`);
          if (m.type === "round_result") assert.ok((m.payload as QuizRoundResultPayload).round < round);
        }
        // the raw bytes before the reveal never hold the target; the reveal frames do (so the search works)
        if (question.kind === "number" && !otherValues(question).includes(question.target)) {
          const patterns = wireEncodingsOf(question.target);
          const before = frames.slice(0, revealFrame);
          for (const pattern of patterns) assert.equal(framesContain(before, pattern), false, `target of round ${round} leaked`);
          assert.ok(
            patterns.some((p) => framesContain(frames.slice(revealFrame, revealFrame + 4), p)),
            `the reveal frames of round ${round} carry the target`,
          );
        }
        // after the close the revealed answer is the bank's
        const revealed = revealSnapshot.json.question as { revealed: boolean; correctIndex: number; target: number };
        const result = resultMessage.payload as QuizRoundResultPayload;
        assert.equal(revealed.revealed, true);
        if (question.kind === "choice") {
          assert.equal(revealed.correctIndex, question.correctIndex);
          assert.equal(result.correctIndex, question.correctIndex);
          assert.equal(result.target, null);
        } else {
          assert.equal(revealed.target, question.target);
          assert.equal(result.target, question.target);
          assert.equal(result.correctIndex, null);
        }
      }
    }
    await Promise.all(rooms.map((room) => room.leave()));
  });

  it("waits for the minimum, opens a join window, and falls back when a player leaves", async () => {
    const options = { rounds: 3, minPlayers: 2, maxPlayers: 3, category: "sport" };
    const [first, second] = (await join(options, "first", "second")) as [QuizRoom, QuizRoom];
    await first.waitFor((s) => s.status === "players_joining");
    assert.ok(first.state.countdownMs > 0 && first.state.countdownMs <= JOIN_WINDOW_MS);
    await second.leave();
    await first.waitFor((s) => s.status === "waiting_for_players" && s.players.size === 1);
    const [third] = (await join(options, "third")) as [QuizRoom];
    assert.equal(third.roomId, first.roomId);
    await first.waitFor((s) => s.status === "players_joining");
    await first.waitFor((s) => s.status === "question" && s.round === 1, JOIN_WINDOW_MS + 2_000);
    assert.equal(first.state.totalRounds, 3);
    assert.ok(first.state.countdownMs > 0 && first.state.countdownMs <= ANSWER_WINDOW_MS);
    await Promise.all([first.leave(), third.leave()]);
  });

  it("does not hold a round open for a player whose connection dropped in the lobby", async () => {
    const options = { rounds: 3, minPlayers: 2, maxPlayers: 3, category: "history" };
    const [early, dropper] = (await join(options, "early", "dropper")) as [QuizRoom, QuizRoom];
    await early.waitFor((s) => s.status === "players_joining");
    const droppedId = dropper.sessionId;
    await dropper.leave(false); // connection lost: the seat is held
    await early.waitFor((s) => s.players.get(droppedId)?.connected === false);
    const [last] = (await join(options, "last")) as [QuizRoom];
    assert.equal(last.roomId, early.roomId);
    await early.waitFor((s) => s.status === "question" && s.round === 1);
    const question = questionOf(early.state.question.id);
    const answeredAt = Date.now();
    for (const room of [early, last]) room.send("answer", { answer: correctAnswer(question), round: 1 });
    await early.waitFor((s) => s.status === "reveal" && s.round === 1, ANSWER_WINDOW_MS + 2_000);
    const took = Date.now() - answeredAt;
    assert.ok(took < ANSWER_WINDOW_MS / 2, `the round closed once both connected players answered (${took} ms)`);
    assert.equal(early.state.players.get(droppedId)?.connected, false);
    await Promise.all([early.leave(), last.leave()]);
  });

  it("keeps the points of a player who leaves mid-quiz, who answers nothing more", async () => {
    const rooms = (await join({ rounds: 3, minPlayers: 3, maxPlayers: 3, category: "geography" }, "stays-1", "stays-2", "quitter")) as [
      QuizRoom,
      QuizRoom,
      QuizRoom,
    ];
    const [a, b, quitter] = rooms;
    const results = collectRoundResults(a);
    const finished = a.next("finished", 20_000);
    const stops = rooms.map((room) => autoAnswer(room, answering(bank, true)));
    await a.waitFor((s) => s.status === "reveal" && s.round === 1);
    const quitterId = quitter.sessionId;
    const pointsSoFar = a.state.players.get(quitterId)!.score;
    const correctSoFar = a.state.players.get(quitterId)!.correctAnswers;
    assert.ok(pointsSoFar > 0);
    stops[2]!();
    await quitter.leave();
    await a.waitFor((s) => s.players.get(quitterId)?.left === true);

    const result = await finished;
    stops.forEach((stop) => stop());
    const standing = result.standings.find((s) => s.sessionId === quitterId)!;
    assert.equal(standing.left, true);
    assert.equal(standing.score, pointsSoFar);
    assert.ok(results.filter((r) => r.round > 1).every((r) => r.answers.every((x) => x.sessionId !== quitterId)));
    assert.equal(standing.correctAnswers, correctSoFar);
    assert.equal(standing.placement, 1 + result.standings.filter((s) => s.score > standing.score).length);
    assert.ok(result.standings.every((s) => s.sessionId === quitterId || s.score > 0));
    assert.equal(result.status, "completed");
    await Promise.all([a.leave(), b.leave()]);
  });

  it("gives a dropped player the seat back within the reconnection window", async () => {
    const [steady, flaky] = (await join({ rounds: 3, minPlayers: 2, maxPlayers: 2, category: "science" }, "steady", "flaky")) as [
      QuizRoom,
      QuizRoom,
    ];
    await steady.waitFor((s) => s.status === "question" && s.round === 1);
    const sessionId = flaky.sessionId;
    const token = flaky.reconnectionToken;
    await flaky.leave(false); // connection lost, not a consented leave
    await steady.waitFor((s) => s.players.get(sessionId)?.connected === false);
    assert.equal(steady.state.players.get(sessionId)!.left, false);

    const back = await (await player(server.url, "returning")).reconnect("quiz", token);
    assert.equal(back.sessionId, sessionId);
    await steady.waitFor((s) => s.players.get(sessionId)?.connected === true);
    const results = collectRoundResults(steady);
    const stops = [autoAnswer(steady, answering(bank, true)), autoAnswer(back, answering(bank, true))];
    const finished = await steady.next("finished", 20_000);
    stops.forEach((stop) => stop());
    assert.ok(
      results.some((r) => r.answers.some((a) => a.sessionId === sessionId && a.correct)),
      "the returning player's answers count",
    );
    assert.equal(finished.standings.find((s) => s.sessionId === sessionId)!.left, false);
    await Promise.all([steady.leave(), back.leave()]);
  });

  it("after the reconnection window the dropped player is out, keeps the points and the token is refused", async () => {
    const [steady, flaky] = (await join({ rounds: 4, minPlayers: 2, maxPlayers: 2, category: "sport" }, "steady", "gone")) as [
      QuizRoom,
      QuizRoom,
    ];
    await flaky.waitFor((s) => s.status === "question" && s.round === 1);
    const question = questionOf(flaky.state.question.id);
    flaky.send("answer", { answer: correctAnswer(question), round: flaky.state.round });
    await steady.waitFor((s) => s.players.get(flaky.sessionId)?.answered === true);
    const sessionId = flaky.sessionId;
    const token = flaky.reconnectionToken;
    await flaky.leave(false);
    // steady stays silent, so the rounds run their full windows while the seat is held
    await steady.waitFor((s) => s.status === "reveal" && s.round === 1, ANSWER_WINDOW_MS + 2_000);
    const points = steady.state.players.get(sessionId)!.score;
    assert.ok(points > 0);
    await steady.waitFor((s) => s.players.get(sessionId)?.left === true, (RECONNECT_WINDOW_S + 2) * 1000);
    assert.equal(steady.state.players.get(sessionId)!.score, points);
    await assert.rejects((await player(server.url, "returning")).reconnect("quiz", token));
    const roomErrors = server.logs.filter((l) => l.roomId === steady.roomId && l.msg === "uncaught exception in room");
    assert.deepEqual(roomErrors, [], "an expired reconnection window is no error");
    await steady.leave();
  });

  it("refuses invalid join options and categories without enough questions during matchmaking", async () => {
    const client = await player(server.url, "picky");
    for (const options of [{ rounds: 2 }, { rounds: 21 }, { minPlayers: 3, maxPlayers: 2 }, { maxPlayers: 17 }, { category: "Not A Slug!" }]) {
      await assert.rejects(client.joinQuiz(options), { code: ErrorCode.InvalidOptions }, JSON.stringify(options));
    }
    await assert.rejects(client.joinQuiz({ category: "astrology", rounds: 3 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.InvalidOptions);
      assert.match(error.message, /astrology/);
      return true;
    });
    await assert.rejects(client.joinQuiz({ category: "history", rounds: 20 }), { code: ErrorCode.InvalidOptions });
  });
});
