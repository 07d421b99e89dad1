import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pack } from "msgpackr";
import {
  ErrorCode,
  type ArenaClient,
  type ErrorPayload,
  type ModeRoom,
  type QuizRoom,
  type RoomOf,
  type RaceRoom,
  type WarRoom,
} from "@arena/client-sdk";
import type { DiceState } from "@arena/shared/modes/dice/contract";
import type { QuizState } from "@arena/shared/modes/quiz/contract";
import type { RaceState } from "@arena/shared/modes/race/contract";
import { NO_ZONE, type WarState } from "@arena/shared/modes/war/contract";
import { Fuzzer } from "../support/fuzz.js";
import { player } from "../support/players.js";
import { startServer, type ServerProcess } from "../support/server-process.js";

/** Any typed room of the SDK, seen through what the fuzzer needs. */
type AnyRoom = ModeRoom;

interface FuzzTarget {
  mode: "race" | "war" | "quiz" | "dice";
  /** Joins a room that will be running (not in its lobby) while the fuzzer plays in it. */
  join(client: ArenaClient, tag: number): Promise<AnyRoom>;
  /** Players needed in the room for it to leave the lobby. */
  seats: number;
  running(state: object): boolean;
  messageTypes: string[];
  validShapes: Array<Record<string, unknown>>;
  validOptions: Record<string, unknown>;
  /** Throws if the state a client sees breaks the mode's invariants. */
  checkState(state: object): void;
  /** Something an honest player does that must still take effect after the fuzzing. */
  honestAction(room: AnyRoom): Promise<void>;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
/** Colyseus protocol code of a room message: `[13][type as msgpack string][msgpack payload]`. */
const ROOM_DATA = 13;

/** A well-framed room message, encoded the way any msgpack client would (not through the SDK). */
function roomData(type: string, payload: unknown): Uint8Array {
  const head = pack(type);
  const body = payload === undefined ? new Uint8Array(0) : pack(payload);
  const frame = new Uint8Array(1 + head.length + body.length);
  frame[0] = ROOM_DATA;
  frame.set(head, 1);
  frame.set(body, 1 + head.length);
  return frame;
}
/** Hostile messages, frames and join options: 100,000 in all, shared among the modes. */
const MESSAGES_PER_MODE = 25_000;

const targets: FuzzTarget[] = [
  {
    mode: "race",
    seats: 2,
    join: async (client, tag) => (await client.joinRace({ trackLength: 5000 - tag, maxPlayers: 2 })) as unknown as AnyRoom,
    running: (s) => (s as RaceState).phase === "racing",
    messageTypes: ["input", "answer", "move", "warp", "", "__proto__"],
    validShapes: [{ throttle: 1, steer: 0, boost: false }, { throttle: 0.5, steer: 1, boost: true, seq: 7 }],
    validOptions: { trackLength: 500, maxPlayers: 4, lanes: 3 },
    checkState(raw) {
      const s = raw as RaceState;
      assert.ok(["waiting", "countdown", "racing", "finished"].includes(s.phase));
      for (const racer of s.racers.values()) {
        assert.ok(racer.position >= 0 && racer.position <= s.track.length, `position ${racer.position}`);
        assert.ok(racer.lane < s.track.lanes);
        assert.ok(racer.speed <= 30.25, `speed ${racer.speed}`);
        assert.ok(Number.isFinite(racer.position) && Number.isFinite(racer.speed));
      }
    },
    async honestAction(room) {
      const race = room as unknown as RaceRoom;
      const before = race.state.racers.get(race.sessionId)!.position;
      const timer = setInterval(() => race.send("input", { throttle: 1, steer: 0, boost: false }), 50);
      try {
        await race.waitFor((s) => s.racers.get(race.sessionId)!.position > before + 2, 5_000);
      } finally {
        clearInterval(timer);
      }
    },
  },
  {
    mode: "war",
    seats: 1,
    join: async (client, tag) => (await client.joinWar({ maxPlayers: 2, timeLimit: 600 - tag, scoreLimit: 100_000 })) as unknown as AnyRoom,
    running: (s) => (s as WarState).phase === "playing",
    messageTypes: ["move", "input", "answer", "attack", "", "constructor"],
    validShapes: [{ to: 0 }, { to: 1 }, { to: 8 }],
    validOptions: { maxPlayers: 4, factions: 2, timeLimit: 120 },
    checkState(raw) {
      const s = raw as WarState;
      assert.ok(["waiting", "playing", "finished"].includes(s.phase));
      assert.ok(s.zones.length >= 5 && s.zones.length <= 9);
      for (const zone of s.zones) assert.ok(zone.control <= 100);
      for (const p of s.players.values()) {
        assert.ok(p.zone === NO_ZONE || p.zone < s.zones.length, `zone ${p.zone}`);
        assert.ok(p.to === NO_ZONE || p.to < s.zones.length);
      }
    },
    async honestAction(room) {
      const war = room as unknown as WarRoom;
      const me = () => war.state.players.get(war.sessionId)!;
      await war.waitFor(() => me().zone !== NO_ZONE, 10_000);
      const target = war.state.zones[me().zone]!.neighbours[0]!;
      war.send("move", { to: target });
      await war.waitFor(() => me().to === target || me().zone === target, 5_000);
    },
  },
  {
    mode: "quiz",
    seats: 2,
    join: async (client, tag) => (await client.joinQuiz({ minPlayers: 2, maxPlayers: 2, rounds: 20 - tag })) as unknown as AnyRoom,
    running: (s) => (s as QuizState).status === "question",
    messageTypes: ["answer", "input", "move", "", "toString"],
    validShapes: [{ round: 1, answer: 0 }, { round: 1, answer: 1950 }, { round: 2, answer: 3 }],
    validOptions: { minPlayers: 1, maxPlayers: 4, rounds: 5, category: "science" },
    checkState(raw) {
      const s = raw as QuizState;
      assert.ok(["waiting_for_players", "players_joining", "question", "reveal", "finished"].includes(s.status));
      assert.ok(s.round <= s.totalRounds);
      if (s.status === "question") {
        // nothing a client sent can make the server reveal an answer early
        assert.equal(s.question.revealed, false);
      }
      for (const p of s.players.values()) assert.ok(Number.isFinite(p.score) && p.score >= 0);
    },
    async honestAction(room) {
      const quiz = room as unknown as QuizRoom;
      const round = quiz.state.round;
      const answer = quiz.state.question.kind === "number" ? quiz.state.question.minValue : 0;
      quiz.send("answer", { round, answer });
      await quiz.waitFor((s) => s.players.get(quiz.sessionId)!.answered || s.round > round, 5_000);
    },
  },
  {
    mode: "dice",
    seats: 2,
    join: async (client, tag) => (await client.join("dice", { maxPlayers: 2, dice: 1 + (tag % 5) })) as unknown as AnyRoom,
    running: (s) => (s as DiceState).phase === "bidding",
    messageTypes: ["bid", "liar", "input", "", "valueOf"],
    validShapes: [{ quantity: 1, face: 1 }, { quantity: 2, face: 6 }, {}],
    validOptions: { maxPlayers: 3, dice: 2 },
    checkState(raw) {
      const s = raw as DiceState;
      assert.ok(["waiting", "starting", "bidding", "reveal", "finished"].includes(s.phase));
      const players = [...s.players.values()];
      assert.equal(s.totalDice, players.reduce((sum, p) => sum + p.diceCount, 0));
      for (const p of players) assert.ok(p.diceCount <= s.dicePerPlayer);
      // nothing a client sent shows it anyone's dice but its own
      assert.ok(players.filter((p) => (p.dice?.length ?? 0) > 0).length <= 1);
    },
    async honestAction(room) {
      const dice = room as unknown as RoomOf<"dice">;
      const seat = dice.state.players.get(dice.sessionId)!.seat;
      if (dice.state.turnSeat !== seat) {
        // the fuzzer holds the turn (it never made a valid bid): the honest bid is refused for that reason only
        const refused = dice.next("error");
        dice.send("bid", { quantity: dice.state.totalDice, face: 6 });
        assert.equal((await refused).code, ErrorCode.NotYourTurn);
        return;
      }
      const { quantity, face } = dice.state.bid;
      dice.send("bid", dice.state.bid.seat < 0 ? { quantity: 1, face: 1 } : { quantity: face < 6 ? quantity : quantity + 1, face: face < 6 ? face + 1 : 1 });
      await dice.waitFor((s) => s.bid.seat === seat, 5_000);
    },
  },
];

describe("fuzzing live rooms of every mode", () => {
  let server: ServerProcess;
  before(async () => {
    // generous limits: this test is about what messages contain, the flood test is about how many
    server = await startServer({
      env: {
        MSG_RATE_PER_S: "1000000",
        HTTP_RATE_PER_MIN: "1000000",
        WAR_LOBBY_TIMEOUT_MS: "300",
        QUIZ_JOIN_WINDOW_MS: "100",
        // the quiz stays in its first round for the whole fuzzing: a round closes early only once every player answered
        QUIZ_ANSWER_WINDOW_MS: "120000",
        // likewise a dice turn: the honest player never moves while the fuzzer plays
        DICE_TURN_MS: "120000",
        LOG_LEVEL: "warn",
      },
    });
  });
  after(async () => {
    await server.stop();
  });

  const perMode = MESSAGES_PER_MODE;

  for (const [index, target] of targets.entries()) {
    it(`${target.mode}: ${perMode} hostile messages, frames and join options; the room keeps running with valid state`, async () => {
      const seed = 0x5eed + index;
      const fuzz = new Fuzzer(seed);
      const context = `mode ${target.mode}, fuzz seed ${seed}`;

      const fuzzerClient = await player(server.url, "fuzzer");
      const room = await target.join(fuzzerClient, index);
      const others: AnyRoom[] = [];
      for (let i = 1; i < target.seats; i++) others.push(await target.join(await player(server.url, `honest-${i}`), index));
      await room.waitFor(target.running, 15_000);

      const errors: ErrorPayload[] = [];
      room.onError((e) => errors.push(e));
      let sent = 0;

      // 1. messages: known and unknown types, valid-looking payloads with junk mixed in, pure junk
      const structured = perMode - 2_000;
      while (sent < structured) {
        for (let i = 0; i < 500; i++, sent++) {
          const type = fuzz.rng.float() < 0.8 ? fuzz.rng.pick(target.messageTypes) : fuzz.string(16);
          const payload = fuzz.rng.float() < 0.7 ? fuzz.mutate(fuzz.rng.pick(target.validShapes)) : fuzz.value();
          const frame = roomData(type, payload);
          // frames over MAX_MESSAGE_BYTES close the connection by design; those are fuzzed in part 2
          room.room.connection.send(frame.length < 4000 ? frame : roomData(type, null));
        }
        await new Promise((r) => setTimeout(r, 2));
        assert.equal(server.child.exitCode, null, `server exited (${context})`);
      }
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(room.room.connection.isOpen, `a client sending well-framed junk stays connected (${context}, closed with ${room.closeCode})`);
      assert.ok(errors.length > structured * 0.3, `typed errors came back (${errors.length} for ${structured})`);
      for (const e of errors) {
        assert.ok(KNOWN_CODES.has(e.code), `unknown error code ${e.code}`);
        assert.equal(typeof e.message, "string");
      }

      // 2. malformed and oversized frames, each on a throwaway connection (the server may close it)
      for (let i = 0; i < 500; i++, sent++) {
        const throwaway = await fuzzerClient.joinRace({ trackLength: 4000 + index * 10 + (i % 3), maxPlayers: 8 });
        const kind = i % 4;
        const frame =
          kind === 0
            ? fuzz.bytes(fuzz.rng.int(1, 64)) // random bytes
            : kind === 1
              ? Uint8Array.from([13, 0xa5, ...new TextEncoder().encode("input"), 0xc1, 0xff]) // ROOM_DATA with broken msgpack
              : kind === 2
                ? new Uint8Array(8192).fill(13) // larger than MAX_MESSAGE_BYTES
                : Uint8Array.from([fuzz.rng.int(0, 255)]); // a lone, maybe unknown, protocol code
        throwaway.room.connection.send(frame);
        await throwaway.leave();
      }

      // 3. join options: wrong types, out of range, junk keys; never anything but 200 or 400
      const statuses = new Map<number, number>();
      for (let i = 0; i < 1_500; i++, sent++) {
        const options = fuzz.rng.float() < 0.5 ? fuzz.mutate(target.validOptions) : fuzz.value();
        const res = await fetch(`${server.url}/matchmake/joinOrCreate/${target.mode}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${fuzzerClient.token}` },
          body: JSON.stringify(options ?? null),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const body = (await res.json()) as { error?: string };
        if (res.status === 400) assert.match(body.error ?? "", /^INVALID_OPTIONS: /);
      }
      assert.deepEqual([...statuses.keys()].filter((s) => s !== 200 && s !== 400), [], `statuses ${JSON.stringify([...statuses])}`);
      assert.ok((statuses.get(400) ?? 0) > 500);

      // the room survived with a valid state, and an honest player's action still takes effect
      assert.equal(server.child.exitCode, null, `server exited (${context})`);
      const honest = others[0] ?? room;
      await honest.waitFor(() => true);
      target.checkState(honest.state);
      target.checkState(room.state);
      await target.honestAction(honest === room ? room : honest);
      assert.ok(sent >= perMode - 1, `sent ${sent}`);
      assert.equal(
        server.logs.filter((l) => l.msg === "uncaught exception in room").length,
        0,
        "no room code threw on any of it",
      );
      await Promise.all([room.leave(), ...others.map((o) => o.leave())]);
    });
  }
});
