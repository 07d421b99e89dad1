// first: records the raw frames of every client WebSocket (must load before the SDK)
import { framesOf } from "../support/frame-recorder.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Decoder, decode } from "@colyseus/schema";
import { unpack } from "msgpackr";
import { ErrorCode, type LeaderboardResponse, type MatchResponse, type RoomOf } from "@arena/client-sdk";
import { DiceState, type DiceFinishedPayload, type DiceJoinOptionsInput, type DiceRevealPayload } from "@arena/shared/modes/dice/contract";
import { eq } from "drizzle-orm";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { matches } from "../../src/persistence/schema.js";
import { silentLogger } from "../support/fixtures.js";
import { autoplay, diceArrays } from "../support/dice-play.js";
import { player } from "../support/players.js";
import { createScratchDatabase } from "../support/scratch-database.js";
import { replayCli } from "../support/replay-cli.js";
import { startServer, type ServerProcess } from "../support/server-process.js";

type DiceRoom = RoomOf<"dice">;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function joinAll(url: string, options: DiceJoinOptionsInput, ...names: string[]): Promise<DiceRoom[]> {
  const rooms: DiceRoom[] = [];
  for (const name of names) rooms.push(await (await player(url, name)).join("dice", options));
  assert.equal(new Set(rooms.map((r) => r.roomId)).size, 1, "matchmaking put everyone in one room");
  return rooms;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

type Frame =
  | { index: number; kind: "state"; state: ReturnType<DiceState["toJSON"]> & { players: Record<string, { seat: number; dice?: number[]; revealed?: number[] }> } }
  | { index: number; kind: "message"; type: string; payload: unknown };

/**
 * Decodes a client's raw frames with a decoder of its own (not the SDK's): full states and patches
 * into a fresh DiceState, room messages with msgpack. What it shows is exactly what reached the socket.
 */
function decodeFrames(frames: readonly Buffer[]): Frame[] {
  const decoder = new Decoder(new DiceState());
  const out: Frame[] = [];
  frames.forEach((frame, index) => {
    const code = (frame[0] ?? 0) & 0x1f;
    if (code === 14 || code === 15) {
      decoder.decode(frame, { offset: 1 });
      out.push({ index, kind: "state", state: decoder.state.toJSON() as Extract<Frame, { kind: "state" }>["state"] });
    } else if (code === 13) {
      const it = { offset: 1 };
      const type = decode.string(frame, it);
      out.push({ index, kind: "message", type, payload: it.offset < frame.length ? unpack(frame.subarray(it.offset)) : undefined });
    }
  });
  return out;
}

describe("liar's dice over real WebSockets", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let server: ServerProcess;
  let database: Database;

  before(async () => {
    scratch = await createScratchDatabase();
    server = await startServer({
      env: {
        DATABASE_URL: scratch.url,
        DICE_LOBBY_TIMEOUT_MS: "400",
        DICE_TURN_MS: "4000",
        DICE_REVEAL_MS: "400",
        DICE_BOT_THINK_MS: "60",
        RECONNECT_WINDOW_S: "5",
      },
    });
    database = await openDatabase({ databaseUrl: scratch.url, dataDir: "", logger: silentLogger });
  });
  after(async () => {
    await database?.close();
    await server?.stop();
    await scratch?.drop();
  });

  it("two humans and two bots play to the last die; the stored result, its replay and the leaderboard agree", async () => {
    const rooms = await joinAll(server.url, { maxPlayers: 4, dice: 2 }, "alice", "bob");
    const stops = rooms.map(autoplay);
    const reveals: DiceRevealPayload[] = [];
    rooms[0]!.on("reveal", (r) => reveals.push(r));
    const [fa, fb] = (await Promise.all(rooms.map((r) => r.next("finished", 60_000)))) as [DiceFinishedPayload, DiceFinishedPayload];
    stops.forEach((stop) => stop());
    assert.deepEqual(fa, fb, "everyone gets the same result");
    assert.equal(fa.status, "completed");
    assert.deepEqual(fa.standings.map((s) => s.placement), [1, 2, 3, 4]);
    assert.deepEqual(fa.standings.map((s) => s.score), [300, 200, 100, 0]);
    assert.deepEqual(fa.standings.filter((s) => s.isBot).length, 2);
    assert.equal(fa.rounds, reveals.length, "every round ended with a challenge");
    assert.equal(reveals.reduce((n, r) => n + (r.eliminated ? 1 : 0), 0), 3, "three seats went out");
    assert.equal(fa.standings.reduce((n, s) => n + s.diceLost, 0), reveals.length, "one die lost per challenge");
    for (const room of rooms) {
      const mine = fa.standings.find((s) => s.sessionId === room.sessionId)!;
      assert.equal(room.state.players.get(room.sessionId)!.placement, mine.placement, "the state shows the final places");
    }
    assert.equal(rooms[0]!.state.phase, "finished");

    const stored = await until("the stored match", async () => {
      const res = await fetch(`${server.url}/matches/${fa.matchId}`);
      return res.status === 200 ? ((await res.json()) as MatchResponse) : undefined;
    });
    assert.deepEqual([stored.mode, stored.status, stored.rulesVersion], ["dice", "completed", 1]);
    assert.deepEqual(stored.settings, { maxPlayers: 4, dice: 2, turnMs: 4000, revealMs: 400, botThinkMs: 60 });
    assert.equal(stored.summary.rounds, fa.rounds);
    assert.deepEqual(
      stored.participants.map((p) => [p.playerId, p.placement, p.score, p.isBot]).sort(),
      fa.standings.map((s) => [s.playerId, s.placement, s.score, s.isBot]).sort(),
    );

    const replay = replayCli(scratch.url, fa.matchId);
    assert.equal(replay.status, 0, replay.stdout + replay.stderr);
    assert.match(replay.stdout, /REPRODUCED/);

    const board = (await (await fetch(`${server.url}/leaderboards/dice?by=total`)).json()) as LeaderboardResponse;
    assert.equal(board.mode, "dice");
    const humans = fa.standings.filter((s) => !s.isBot);
    assert.deepEqual(
      board.entries.map((e) => [e.playerId, e.matches, e.wins, e.totalScore]).sort(),
      humans.map((s) => [s.playerId, 1, s.placement === 1 ? 1 : 0, s.score]).sort(),
      "the humans, and no bot, on the dice leaderboard",
    );
    await Promise.all(rooms.map((r) => r.leave()));
  });

  it("answers what a player may not do with a typed error, changes nothing and keeps the player connected", async () => {
    const options = { maxPlayers: 2, dice: 5 };
    const [early] = await joinAll(server.url, options, "early");
    const lobbyError = early!.next("error");
    early!.send("bid", { quantity: 1, face: 1 });
    assert.equal((await lobbyError).code, ErrorCode.WrongPhase, "no bids in the lobby");
    const late = await (await player(server.url, "late")).join("dice", options);
    assert.equal(late.roomId, early!.roomId);
    const rooms = [early!, late];
    await early!.waitFor((s) => s.phase === "bidding");
    const seatOf = (room: DiceRoom) => room.state.players.get(room.sessionId)!.seat;
    const onTurn = rooms.find((r) => seatOf(r) === r.state.turnSeat)!;
    const waiting = rooms.find((r) => r !== onTurn)!;
    const errors = new Map(rooms.map((r) => [r, [] as string[]]));
    for (const room of rooms) room.onError((e) => errors.get(room)!.push(e.code));
    const settle = () => sleep(300);

    waiting.send("bid", { quantity: 1, face: 2 });
    onTurn.send("liar", {});
    for (const bad of [{ quantity: 0, face: 1 }, { quantity: 1, face: 7 }, { quantity: 1.5, face: 2 }, { quantity: 1, face: 2, dice: [6, 6] }, "two sixes", null]) {
      onTurn.room.send("bid", bad);
    }
    onTurn.room.send("liar", { really: true });
    onTurn.room.send("peek", { seat: 0 });
    onTurn.send("bid", { quantity: 11, face: 1 });
    await settle();
    assert.deepEqual(errors.get(waiting), [ErrorCode.NotYourTurn]);
    assert.deepEqual(errors.get(onTurn), [
      ErrorCode.InvalidBid,
      ...new Array(7).fill(ErrorCode.InvalidMessage),
      ErrorCode.UnknownMessage,
      ErrorCode.InvalidBid,
    ]);
    assert.equal(onTurn.state.bid.seat, -1, "no bid was taken");
    assert.equal(onTurn.state.turnSeat, seatOf(onTurn), "the turn did not pass");

    onTurn.send("bid", { quantity: 2, face: 4 });
    await waiting.waitFor((s) => s.bid.seat === seatOf(onTurn) && s.turnSeat === seatOf(waiting), 3_000);
    for (const lower of [{ quantity: 2, face: 4 }, { quantity: 2, face: 3 }, { quantity: 1, face: 6 }]) waiting.send("bid", lower);
    onTurn.send("bid", { quantity: 3, face: 4 });
    await settle();
    assert.deepEqual(errors.get(waiting)!.slice(1), [ErrorCode.InvalidBid, ErrorCode.InvalidBid, ErrorCode.InvalidBid]);
    assert.deepEqual(errors.get(onTurn)!.slice(10), [ErrorCode.NotYourTurn]);
    assert.deepEqual([waiting.state.bid.quantity, waiting.state.bid.face, waiting.state.turnSeat], [2, 4, seatOf(waiting)], "the bid and the turn stand");

    // still connected: a valid call is taken; during the reveal a bid is refused
    const reveal = waiting.next("reveal", 3_000);
    waiting.send("liar", {});
    const revealed = await reveal;
    waiting.send("bid", { quantity: 1, face: 1 });
    await settle();
    assert.equal(errors.get(waiting)!.at(-1), ErrorCode.WrongPhase);
    assert.equal(revealed.challenger, seatOf(waiting));
    assert.equal(revealed.dice.flat().length, 10, "the reveal shows every die");
    const stops = rooms.map(autoplay);
    await Promise.all(rooms.map((r) => r.next("finished", 60_000)));
    stops.forEach((stop) => stop());
    assert.equal(errors.get(onTurn)!.length, 11, "the autoplayed rest of the match drew no error");
    await Promise.all(rooms.map((r) => r.leave()));
  });

  it("refuses a seat that is out with NOT_PARTICIPANT", async () => {
    const rooms = await joinAll(server.url, { maxPlayers: 3, dice: 1 }, "one", "two", "three");
    await rooms[0]!.waitFor((s) => s.phase === "bidding");
    const seatOf = (room: DiceRoom) => room.state.players.get(room.sessionId)!.seat;
    const first = rooms.find((r) => seatOf(r) === r.state.turnSeat)!;
    const reveal = first.next("reveal", 5_000);
    first.send("bid", { quantity: 3, face: 6 });
    const second = rooms.find((r) => seatOf(r) === (seatOf(first) + 1) % 3)!;
    await second.waitFor((s) => s.turnSeat === seatOf(second));
    second.send("liar", {});
    const { loser, eliminated } = await reveal;
    assert.ok(eliminated, "a player with one die is out when it loses it");
    const out = rooms.find((r) => seatOf(r) === loser)!;
    await out.waitFor((s) => s.phase === "bidding" && s.round === 2, 5_000);
    const refused = out.next("error");
    out.send("bid", { quantity: 1, face: 1 });
    assert.equal((await refused).code, ErrorCode.NotParticipant);
    const stops = rooms.map(autoplay);
    const finished = await rooms[0]!.next("finished", 30_000);
    stops.forEach((stop) => stop());
    assert.equal(finished.standings.find((s) => s.seat === loser)!.placement, 3, "first out, last place");
    await Promise.all(rooms.map((r) => r.leave()));
  });

  it("never lets another player's dice reach a client before the reveal (raw frames), also for a player who takes a bot's seat", async () => {
    const options = { maxPlayers: 4, dice: 3 };
    const rooms = await joinAll(server.url, options, "hidden-1", "hidden-2");
    const stops = rooms.map(autoplay);
    await rooms[0]!.waitFor((s) => s.phase === "bidding" && s.round >= 2, 20_000);
    const carol = await (await player(server.url, "takes-over")).join("dice", options);
    assert.equal(carol.roomId, rooms[0]!.roomId, "the late player takes a bot's seat in the running match");
    stops.push(autoplay(carol));
    await carol.waitFor((s) => (s.players.get(carol.sessionId)?.dice.length ?? 0) > 0, 5_000);
    const everyone = [...rooms, carol];
    const finished = await Promise.all(everyone.map((r) => r.next("finished", 60_000)));
    stops.forEach((stop) => stop());
    assert.equal(finished[0]!.standings.length, 5, "four seats and the bot carol replaced");

    for (const room of everyone) {
      const frames = decodeFrames(framesOf(room.sessionId));
      const mySeat = room.state.players.get(room.sessionId)!.seat;
      const revealedAt = new Map<number, number>();
      const hands = new Map<number, number[][]>();
      for (const f of frames) {
        if (f.kind === "message" && f.type === "reveal") {
          const reveal = f.payload as DiceRevealPayload;
          revealedAt.set(reveal.round, f.index);
          hands.set(reveal.round, reveal.dice);
        }
      }
      assert.ok(hands.size >= 3, "the client saw several reveals");
      // a client that joins while a round's dice are revealed gets them, public already, in its first state
      const firstState = frames.find((f) => f.kind === "state");
      const revealedBeforeJoin = new Set<number>();
      if (firstState && firstState.kind === "state" && !revealedAt.has(firstState.state.round as number)) {
        for (const p of Object.values(firstState.state.players)) if (p.revealed && p.revealed.length > 0) revealedBeforeJoin.add(firstState.state.round as number);
      }
      let ownSeen = 0;
      for (const f of frames) {
        if (f.kind === "state") {
          const round = f.state.round as number;
          for (const p of Object.values(f.state.players)) {
            if (p.seat !== mySeat) {
              assert.ok(!p.dice || p.dice.length === 0, `${room.sessionId}: seat ${p.seat}'s dice in frame ${f.index}`);
            } else if (p.dice && p.dice.length > 0 && hands.has(round)) {
              assert.deepEqual(p.dice, hands.get(round)![mySeat], "the own dice the state shows are the ones later revealed");
              ownSeen++;
            }
            if (p.seat !== mySeat && p.revealed && p.revealed.length > 0 && !revealedBeforeJoin.has(round)) {
              assert.ok((revealedAt.get(round) ?? Infinity) < f.index, `revealed dice of round ${round} only after its challenge`);
              assert.deepEqual(p.revealed, hands.get(round)![p.seat]);
            }
          }
        } else if (f.type === "roll") {
          const roll = f.payload as { round: number; seat: number; dice: number[] };
          assert.equal(roll.seat, mySeat, "a roll message names the receiver's own seat");
          if (hands.has(roll.round)) assert.deepEqual(roll.dice, hands.get(roll.round)![mySeat]);
        } else if (f.type !== "reveal") {
          assert.deepEqual(diceArrays(f.payload), [], `no dice in a ${f.type} message`);
        }
      }
      assert.ok(ownSeen > 0, "the client's own dice did reach it (the check is not vacuous)");
    }
    const carolFrames = decodeFrames(framesOf(carol.sessionId));
    const firstState = carolFrames.find((f) => f.kind === "state") as Extract<Frame, { kind: "state" }>;
    const withDice = Object.values(firstState.state.players).filter((p) => p.dice && p.dice.length > 0);
    assert.deepEqual(withDice.map((p) => p.seat), [carol.state.players.get(carol.sessionId)!.seat], "the late player's first state holds its own dice only");
    await Promise.all(everyone.map((r) => r.leave()));
  });

  it("a player whose connection drops gets its dice back on reconnecting and plays on", async () => {
    const [steady, flaky] = await joinAll(server.url, { maxPlayers: 2, dice: 4 }, "steady", "flaky");
    await flaky!.waitFor((s) => s.phase === "bidding");
    const dice = [...flaky!.state.players.get(flaky!.sessionId)!.dice];
    assert.equal(dice.length, 4);
    const sessionId = flaky!.sessionId;
    const token = flaky!.reconnectionToken;
    await flaky!.leave(false);
    await steady!.waitFor((s) => s.players.get(sessionId)?.connected === false, 5_000);

    const client = await player(server.url, "flaky-again");
    const back = await client.reconnect("dice", token);
    const roll = await back.next("roll", 5_000);
    assert.equal(back.sessionId, sessionId);
    assert.deepEqual(roll.dice, dice, "the roll message repeats the seat's dice");
    await back.waitFor((s) => (s.players.get(sessionId)?.dice.length ?? 0) > 0, 5_000);
    assert.deepEqual([...back.state.players.get(sessionId)!.dice], dice, "the state shows them again");
    const others = [...back.state.players.values()].filter((p) => p.seat !== roll.seat);
    assert.ok(others.every((p) => (p.dice?.length ?? 0) === 0), "and nobody else's");
    await steady!.waitFor((s) => s.players.get(sessionId)?.connected === true, 5_000);
    const stops = [autoplay(steady!), autoplay(back)];
    const finished = await back.next("finished", 60_000);
    stops.forEach((stop) => stop());
    assert.equal(finished.status, "completed");
    assert.equal(finished.standings.find((s) => s.sessionId === sessionId)!.leftEarly, false);
    await Promise.all([steady!.leave(), back.leave()]);
  });

  it("refuses invalid join options during matchmaking with a typed error", async () => {
    const client = await player(server.url, "picky");
    await assert.rejects(client.join("dice", { maxPlayers: 7 }), { code: ErrorCode.InvalidOptions });
    await assert.rejects(client.join("dice", { dice: 0 }), { code: ErrorCode.InvalidOptions });
    await assert.rejects(client.join("dice", { maxPlayers: 1.5 } as never), { code: ErrorCode.InvalidOptions });
  });

  it("a drain ends a running match as aborted and stores it; the replay reproduces it", async () => {
    const own = await startServer({ env: { DATABASE_URL: scratch.url, DICE_LOBBY_TIMEOUT_MS: "0", DICE_TURN_MS: "60000", DICE_BOT_THINK_MS: "20", DRAIN_GRACE_S: "0" } });
    let matchId = "";
    try {
      const room = await (await player(own.url, "last-one")).join("dice", { maxPlayers: 3 });
      await room.waitFor((s) => s.phase === "bidding");
      matchId = room.state.matchId;
      // the bots play until the human's turn, which waits for a minute
      await room.waitFor((s) => s.turnSeat === s.players.get(room.sessionId)!.seat, 10_000);
      assert.equal(await own.stop("SIGTERM"), 0);
    } finally {
      await own.stop();
    }
    const [match] = await until("the aborted match", async () => {
      const rows = await database.db.select().from(matches).where(eq(matches.id, matchId));
      return rows.length > 0 ? rows : undefined;
    });
    assert.deepEqual([match!.status, (match!.summary as { reason: string }).reason], ["aborted", "shutdown"]);
    const replay = replayCli(scratch.url, matchId);
    assert.equal(replay.status, 0, replay.stdout + replay.stderr);
    assert.match(replay.stdout, /REPRODUCED/);
  });
});
