// The players' state machines on a simulated clock, fed frames built by the server's own frame
// builder (@colyseus/core's getMessageBytes); what they send is checked with the server's zod
// schemas for those messages (@arena/shared).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getMessageBytes } from "@colyseus/core/Protocol";
import { ErrorCode } from "@arena/shared";
import { QuizAnswer, type QuizQuestionPayload } from "@arena/shared/modes/quiz/contract";
import { WarMove, type WarMapPayload } from "@arena/shared/modes/war/contract";
import { RaceInput } from "@arena/shared/modes/race/contract";
import { Protocol, createQuizPlayer, createRacePlayer, createWarPlayer, parseFrame } from "../protocol/index.js";
import type { MsgValue, Player } from "../protocol/types.js";

const JOIN = getMessageBytes[Protocol.JOIN_ROOM]("reconnect-token", "schema");
const PONG = getMessageBytes[Protocol.PING]();

function serverMessage(type: string, payload?: unknown): Uint8Array {
  return getMessageBytes.raw(Protocol.ROOM_DATA, type, payload);
}

function gameError(code: string, cause: string): Uint8Array {
  return serverMessage("error", { code, message: `refused: ${code}`, cause });
}

/** The room messages among frames a player returned (pings, acks and leaves left out). */
function messages(frames: Uint8Array[]): Array<{ type: string | number; payload: MsgValue | undefined }> {
  return frames.flatMap((bytes) => {
    const frame = parseFrame(bytes);
    return frame.kind === "data" ? [{ type: frame.type, payload: frame.payload }] : [];
  });
}

/** Ticks a player every `stepMs` from `from` to `to` and collects what it sends. */
function run(player: Player, from: number, to: number, stepMs = 20): Array<{ at: number; frames: Uint8Array[] }> {
  const sent = [];
  for (let now = from; now <= to; now += stepMs) {
    const frames = player.tick(now);
    if (frames.length > 0) sent.push({ at: now, frames });
  }
  return sent;
}

function sentMessages(player: Player, from: number, to: number, stepMs = 20) {
  return run(player, from, to, stepMs).flatMap(({ at, frames }) => messages(frames).map((message) => ({ at, ...message })));
}

describe("every player", () => {
  it("answers JOIN_ROOM with the single byte 10, counts frames, and measures round trips", () => {
    const player = createRacePlayer({ pingIntervalMs: 1000 });
    assert.deepEqual(player.tick(0), [], "nothing before the handshake");
    assert.deepEqual(player.onFrame(JOIN, 100).map((f) => [...f]), [[10]]);
    assert.ok(player.joined);
    assert.equal(player.stats.joinedAt, 100);
    assert.deepEqual(player.onFrame(JOIN, 101), [], "a repeated JOIN_ROOM is not answered twice");

    const ping = player.tick(100).filter((f) => f[0] === Protocol.PING);
    assert.equal(ping.length, 1, "a PING at once");
    assert.equal(player.tick(500).filter((f) => f[0] === Protocol.PING).length, 0, "one PING in flight at a time");
    player.onFrame(PONG, 107);
    assert.deepEqual(player.stats.rttMs, [7]);
    assert.equal(player.tick(900).filter((f) => f[0] === Protocol.PING).length, 0, "the next one an interval after the last");
    assert.equal(player.tick(1100).filter((f) => f[0] === Protocol.PING).length, 1);
    player.onFrame(PONG, 1103);
    assert.deepEqual(player.stats.rttMs, [7, 3]);

    player.onFrame(new Uint8Array([Protocol.ROOM_STATE, 1, 2, 3]), 1200);
    player.onFrame(new Uint8Array([Protocol.ROOM_STATE_PATCH, 1, 2]), 1250);
    player.onFrame(new Uint8Array([Protocol.ROOM_STATE_PATCH | 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 9]), 1300);
    assert.equal(player.stats.fullStates, 1);
    assert.equal(player.stats.patches, 2);
    assert.equal(player.stats.patchBytes, 13);

    player.onFrame(getMessageBytes[Protocol.ERROR](4217, "bad payload"), 1400);
    assert.deepEqual(player.stats.serverErrors, [{ code: 4217, message: "bad payload" }]);
    player.onFrame(new Uint8Array([Protocol.ROOM_DATA, 0xa1, 0x61, 0xa5, 0x61]), 1450);
    player.onFrame(new Uint8Array([]), 1460);
    assert.equal(player.stats.decodeErrors, 2, "malformed frames are counted, never thrown");
    assert.equal(player.stats.framesReceived, 10);
    assert.equal(player.stats.bytesReceived, JOIN.length * 2 + PONG.length * 2 + 4 + 3 + 10 + getMessageBytes[Protocol.ERROR](4217, "bad payload").length + 5);
  });

  it("leaves once, and calls a close clean only after leaving or finishing", () => {
    const early = createQuizPlayer();
    early.onFrame(JOIN, 0);
    assert.deepEqual(early.onClose(1006, 10), { clean: false, code: 1006 });

    const leaving = createQuizPlayer();
    leaving.onFrame(JOIN, 0);
    assert.deepEqual(leaving.leave(5).map((f) => [...f]), [[Protocol.LEAVE_ROOM]]);
    assert.deepEqual(leaving.leave(6), [], "LEAVE_ROOM only once");
    assert.deepEqual(leaving.tick(7), [], "a leaving player sends nothing more");
    assert.deepEqual(leaving.onClose(4000, 10), { clean: true, code: 4000 });
    assert.equal(leaving.stats.cleanClose, true);

    const asked = createQuizPlayer();
    asked.onFrame(JOIN, 0);
    assert.deepEqual(asked.onFrame(new Uint8Array([Protocol.LEAVE_ROOM]), 5).map((f) => [...f]), [[Protocol.LEAVE_ROOM]], "the server's LEAVE_ROOM is answered");

    const done = createQuizPlayer();
    done.onFrame(JOIN, 0);
    done.onFrame(serverMessage("finished", { matchId: "m" }), 5);
    assert.ok(done.finished);
    assert.equal(done.stats.finishedAt, 5);
    assert.deepEqual(done.onClose(4000, 10), { clean: true, code: 4000 }, "the room closing after the match is fine");
  });

  it("counts typed errors by code, apart from the ones the mode expects", () => {
    const player = createRacePlayer();
    player.onFrame(JOIN, 0);
    player.onFrame(gameError(ErrorCode.WrongPhase, "input"), 10);
    player.onFrame(gameError(ErrorCode.RateLimited, "input"), 20);
    player.onFrame(serverMessage("error", { nope: true }), 30);
    player.onFrame(gameError(ErrorCode.NotParticipant, "input"), 25);
    assert.deepEqual(player.stats.gameErrors, { WRONG_PHASE: 1, RATE_LIMITED: 1, NOT_PARTICIPANT: 1 });
    assert.deepEqual(player.stats.unexpectedErrors, { WRONG_PHASE: 1, RATE_LIMITED: 1 }, "out of the race is expected; the rest is not");
    assert.equal(player.stats.decodeErrors, 1, "an error payload without a code");
    assert.deepEqual(player.stats.messagesByType, { error: 4 });
  });
});

describe("race player", () => {
  it("waits for the countdown, then streams valid inputs at its rate, and stops once out of the race", () => {
    const player = createRacePlayer({ seed: 9, inputRatePerS: 10 });
    player.onFrame(JOIN, 0);
    assert.equal(sentMessages(player, 0, 2000).length, 0, "nothing before the countdown");
    player.onFrame(serverMessage("countdown", { countdownMs: 3000 }), 2000);
    const stream = sentMessages(player, 2000, 4500);
    assert.equal(stream[0]!.at, 2000, "driving starts with the countdown");
    const perSecond = stream.filter((m) => m.at >= 3000 && m.at < 4000).length;
    assert.ok(perSecond >= 9 && perSecond <= 11, `about 10 inputs a second (${perSecond})`);
    for (const { type, payload } of stream) {
      assert.equal(type, "input");
      RaceInput.parse(payload); // the server's own validation
    }
    const inputs = stream.map((m) => RaceInput.parse(m.payload));
    assert.ok(new Set(inputs.map((i) => i.throttle)).size > 1, "throttle varies");
    assert.deepEqual(
      inputs.map((i) => i.seq),
      inputs.map((_, k) => k),
      "sequence numbers count up",
    );

    player.onFrame(gameError(ErrorCode.NotParticipant, "input"), 4510);
    assert.equal(sentMessages(player, 4520, 6000).length, 0, "finished racing: no more inputs");
    assert.deepEqual(player.stats.unexpectedErrors, {});
  });

  it("counts WRONG_PHASE as unexpected: a racer only sends once the race is open", () => {
    const player = createRacePlayer();
    player.onFrame(JOIN, 0);
    player.onFrame(gameError(ErrorCode.WrongPhase, "input"), 10);
    assert.deepEqual(player.stats.unexpectedErrors, { WRONG_PHASE: 1 });
  });

  it("does not burst after a stalled timer", () => {
    const player = createRacePlayer();
    player.onFrame(JOIN, 0);
    player.onFrame(serverMessage("started", { timeLimitMs: 60000 }), 0);
    sentMessages(player, 0, 1000);
    // the next tick comes 2 s late
    assert.equal(sentMessages(player, 3000, 3000).length, 1);
    assert.equal(sentMessages(player, 3020, 3080).length, 0);
  });

  it("plays the same seed the same way", () => {
    const play = () => {
      const player = createRacePlayer({ seed: 42 });
      player.onFrame(JOIN, 0);
      player.onFrame(serverMessage("countdown", { countdownMs: 100 }), 0);
      return sentMessages(player, 0, 2000).map((m) => JSON.stringify(m.payload));
    };
    assert.deepEqual(play(), play());
  });
});

describe("quiz player", () => {
  const choice: QuizQuestionPayload = {
    round: 1,
    id: "q1",
    category: "science",
    kind: "choice",
    prompt: "Which planet is largest?",
    options: ["Mars", "Jupiter", "Venus", "Earth"],
    minValue: 0,
    maxValue: 0,
    answerWindowMs: 10_000,
  };
  const number: QuizQuestionPayload = { ...choice, round: 2, id: "q2", kind: "number", options: [], minValue: 1900, maxValue: 2000 };

  it("answers each question once, after a pause, with a valid answer", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const player = createQuizPlayer({ seed, minThinkMs: 800, maxThinkMs: 4000 });
      player.onFrame(JOIN, 0);
      assert.deepEqual(messages(player.onFrame(serverMessage("question", choice), 1000)), []);
      const first = sentMessages(player, 1000, 9000);
      assert.equal(first.length, 1, "one answer");
      assert.ok(first[0]!.at >= 1800 && first[0]!.at <= 5020, `after 0.8–4 s (${first[0]!.at})`);
      const answer = QuizAnswer.parse(first[0]!.payload);
      assert.equal(answer.round, 1);
      assert.ok(Number.isInteger(answer.answer) && answer.answer >= 0 && answer.answer < choice.options.length);

      player.onFrame(serverMessage("question", number), 10_000);
      const second = sentMessages(player, 10_000, 20_000);
      assert.equal(second.length, 1);
      const guess = QuizAnswer.parse(second[0]!.payload);
      assert.equal(guess.round, 2);
      assert.ok(Number.isInteger(guess.answer) && guess.answer >= 1900 && guess.answer <= 2000, `in range: ${guess.answer}`);
    }
  });

  it("answers well inside a short window, and inside a fractional range", () => {
    const player = createQuizPlayer({ minThinkMs: 5000, maxThinkMs: 9000 });
    player.onFrame(JOIN, 0);
    player.onFrame(serverMessage("question", { ...number, minValue: 0.5, maxValue: 0.75, answerWindowMs: 2000 }), 0);
    const sent = sentMessages(player, 0, 5000);
    assert.equal(sent.length, 1);
    assert.ok(sent[0]!.at <= 1500, `within 75 % of the window (${sent[0]!.at})`);
    const { answer } = QuizAnswer.parse(sent[0]!.payload);
    assert.ok(answer >= 0.5 && answer <= 0.75);
  });

  it("counts a question it cannot read and sends nothing for it", () => {
    const player = createQuizPlayer();
    player.onFrame(JOIN, 0);
    player.onFrame(serverMessage("question", { round: 1, kind: "choice", options: [], answerWindowMs: 1000 }), 0);
    assert.equal(sentMessages(player, 0, 5000).length, 0);
    assert.equal(player.stats.decodeErrors, 1);
  });
});

describe("war player", () => {
  // a line of zones 0 - 1 - 2, and 3 off zone 1
  const map: WarMapPayload = {
    faction: "red",
    zone: 0,
    zones: [
      { id: 0, name: "A", neighbours: [1], travelMs: [1000] },
      { id: 1, name: "B", neighbours: [0, 2, 3], travelMs: [1000, 2000, 1500] },
      { id: 2, name: "C", neighbours: [1], travelMs: [2000] },
      { id: 3, name: "D", neighbours: [1], travelMs: [1500] },
    ],
  };
  const roads = new Map(map.zones.map((z) => [z.id, z]));

  /** Ticks the player every 20 ms like a session does, and answers each accepted move with `arrived` once its walk is over. */
  function walkWithServer(player: Player, from: number, to: number, startZone: number | null) {
    const moves: Array<{ at: number; payload: MsgValue | undefined }> = [];
    let here = startZone;
    let arrival: { at: number; zone: number } | null = null;
    for (let now = from; now <= to; now += 20) {
      if (arrival && now >= arrival.at) {
        player.onFrame(serverMessage("arrived", { zone: arrival.zone }), now);
        here = arrival.zone;
        arrival = null;
      }
      for (const frame of player.tick(now)) {
        const parsed = parseFrame(frame);
        if (parsed.kind !== "data" || parsed.type !== "move") continue;
        moves.push({ at: now, payload: parsed.payload });
        const target = WarMove.parse(parsed.payload).to;
        const road: { neighbours: number[]; travelMs: number[] } | undefined = here === null ? undefined : roads.get(here);
        const k: number = road ? road.neighbours.indexOf(target) : -1;
        arrival = { at: now + (road && k >= 0 ? road.travelMs[k]! : 1000), zone: target };
      }
    }
    return moves;
  }

  it("walks from neighbour to neighbour, waiting out each walk", () => {
    const player = createWarPlayer({ seed: 3, arrivalMarginMs: 300, maxDwellMs: 1000 });
    player.onFrame(JOIN, 0);
    player.onFrame(serverMessage("map", map), 0);
    const moves = walkWithServer(player, 0, 30_000, 0);
    assert.ok(moves.length >= 6, `kept moving (${moves.length})`);
    let here = 0;
    let readyAt = 0;
    for (const { at, payload } of moves) {
      const { to } = WarMove.parse(payload);
      const road: { neighbours: number[]; travelMs: number[] } = roads.get(here)!;
      const k: number = road.neighbours.indexOf(to);
      assert.ok(k >= 0, `${to} is a neighbour of ${here}`);
      assert.ok(at >= readyAt, `no move before the last walk is over (${at} < ${readyAt})`);
      readyAt = at + road.travelMs[k]!;
      here = to;
    }
    assert.deepEqual(player.stats.gameErrors, {});
  });

  it("waits out the lobby: a refused move is retried from the same zone", () => {
    const player = createWarPlayer({ seed: 4, retryMs: 1000 });
    player.onFrame(JOIN, 0);
    player.onFrame(serverMessage("map", map), 0);
    const first = sentMessages(player, 0, 0);
    assert.deepEqual(first.map((m) => m.payload), [{ to: 1 }], "zone 0's only road");
    player.onFrame(gameError(ErrorCode.WrongPhase, "move"), 10);
    assert.equal(sentMessages(player, 20, 990).length, 0, "waits before retrying");
    assert.deepEqual(sentMessages(player, 1000, 1020).map((m) => m.payload), [{ to: 1 }], "retries from where it stands");
    assert.deepEqual(player.stats.unexpectedErrors, {}, "WRONG_PHASE is the lobby, not a fault");
  });

  it("finds its place again after an invalid move, and from an unknown start", () => {
    const player = createWarPlayer({ seed: 5, retryMs: 500 });
    player.onFrame(JOIN, 0);
    player.onFrame(serverMessage("map", map), 0);
    sentMessages(player, 0, 0);
    player.onFrame(gameError(ErrorCode.InvalidMove, "move"), 10);
    assert.deepEqual(player.stats.unexpectedErrors, { INVALID_MOVE: 1 }, "the player was not where it thought");
    const probes = sentMessages(player, 500, 520);
    assert.equal(probes.length, 1, "tries a zone");
    assert.ok(roads.has(WarMove.parse(probes[0]!.payload).to));
    player.onFrame(gameError(ErrorCode.InvalidMove, "move"), 530);
    assert.deepEqual(player.stats.unexpectedErrors, { INVALID_MOVE: 1 }, "refusals while searching are expected");

    const walking = createWarPlayer({ seed: 6 });
    walking.onFrame(JOIN, 0);
    walking.onFrame(serverMessage("map", { ...map, zone: 255 }), 0);
    const walked = walkWithServer(walking, 0, 10_000, null);
    assert.ok(walked.length >= 2, "a unit taken over mid-walk tries a zone at once, then walks on");
    // accepted: once it arrived it knows where it is and walks on from there
    const from = WarMove.parse(walked[0]!.payload).to;
    assert.ok(roads.get(from)!.neighbours.includes(WarMove.parse(walked[1]!.payload).to));
  });

  it("stops moving once the war is finished", () => {
    const player = createWarPlayer();
    player.onFrame(JOIN, 0);
    player.onFrame(serverMessage("map", map), 0);
    player.onFrame(serverMessage("finished", { matchId: "m", reason: "time-limit" }), 0);
    assert.equal(sentMessages(player, 0, 10_000).length, 0);
  });
});
