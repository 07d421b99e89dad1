import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCode, type RaceRoom } from "@arena/client-sdk";
import type { RaceFinishedPayload } from "@arena/shared/modes/race/contract";
import { reserve } from "../support/cluster.js";
import { player } from "../support/players.js";
import { startServer, type ServerProcess } from "../support/server-process.js";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Holds full throttle (and boosts when it can) until the race is over. */
function drive(room: RaceRoom, everyMs = 50): () => void {
  const timer = setInterval(() => room.send("input", { throttle: 1, steer: 0, boost: true }), everyMs);
  return () => clearInterval(timer);
}

describe("race room over real WebSockets", () => {
  let server: ServerProcess;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it("two players race to the finish and both get the same standings", async () => {
    const options = { trackLength: 60, maxPlayers: 2 };
    const alice = await (await player(server.url, "alice")).joinRace(options);
    const bob = await (await player(server.url, "bob")).joinRace(options);
    assert.equal(alice.roomId, bob.roomId, "matchmaking put both in one room");

    await alice.waitFor((s) => s.phase === "racing");
    const stops = [drive(alice), drive(bob, 80)];
    const [fa, fb] = await Promise.all([alice.next("finished", 30_000), bob.next("finished", 30_000)]);
    stops.forEach((stop) => stop());

    assert.deepEqual(fa, fb);
    assert.equal(fa.standings.length, 2);
    assert.deepEqual(fa.standings.map((s) => s.place).sort(), [1, 2]);
    for (const standing of fa.standings) {
      assert.equal(standing.dnf, false);
      assert.ok(standing.finishTimeMs! > 0);
    }
    await alice.waitFor((s) => s.phase === "finished");
    assert.equal(alice.state.finishOrder.length, 2);
    assert.equal(alice.state.racers.get(alice.sessionId)!.position, 60);
    // clients that stay are let go after POST_MATCH_LINGER_MS (2 s in these tests)
    const closed = await Promise.race([new Promise<number>((resolve) => alice.onLeave(resolve)), wait(6_000).then(() => -1)]);
    assert.notEqual(closed, -1, "the finished room closed by itself");
    await bob.leave();
  });

  it("holds the start for a player whose seat was reserved just before it, who joins just after", async () => {
    // the lobby starts 2 s after its second player (RACE_LOBBY_TIMEOUT_MS in tests)
    const options = { trackLength: 60, maxPlayers: 3 };
    const alice = await (await player(server.url, "alice")).joinRace(options);
    const bob = await (await player(server.url, "bob")).joinRace(options);
    const carol = await player(server.url, "carol");
    await wait(1_500);
    const seat = await reserve(server, carol, "joinOrCreate", "race", options);
    assert.equal(seat.body.roomId, alice.roomId, "reserved in the lobby before its start");
    await wait(900);
    const late = (await carol.takeSeat(seat.body)) as RaceRoom;
    await alice.waitFor((s) => s.phase === "countdown" || s.phase === "racing");
    assert.deepEqual([...alice.state.racers.keys()].sort(), [alice.sessionId, bob.sessionId, late.sessionId].sort(), "the race starts with her");
    await Promise.all([alice.leave(), bob.leave(), late.leave()]);
  });

  it("answers invalid inputs with typed errors, keeps the client connected and applies none of them", async () => {
    // three seats, two players: the lobby waits (RACE_LOBBY_TIMEOUT_MS) before the countdown
    const options = { trackLength: 100, maxPlayers: 3 };
    const good = await (await player(server.url, "careful")).joinRace(options);
    const bad = await (await player(server.url, "sloppy")).joinRace(options);

    // during the lobby even a well-formed input is refused, with its own code
    const refused = bad.next("error");
    bad.send("input", { throttle: 1, steer: 0, boost: false });
    assert.equal((await refused).code, ErrorCode.WrongPhase);

    await bad.waitFor((s) => s.phase === "racing");
    const invalid: unknown[] = [
      { throttle: 2, steer: 0, boost: false },
      { throttle: 1, steer: 5, boost: false },
      { throttle: "1", steer: 0, boost: false },
      { throttle: 1, steer: 0, boost: false, teleport: 100 },
      null,
      "go",
      [1, 0, true],
    ];
    const stopGood = drive(good);
    const errors: string[] = [];
    bad.onError((e) => errors.push(e.code));
    // 7 messages every 300 ms stays under the per-client message rate (MSG_RATE_PER_S, default 30)
    for (let round = 0; round < 10; round++) {
      for (const payload of invalid) bad.room.send("input", payload);
      await new Promise((r) => setTimeout(r, 300));
    }
    bad.room.send("warp", { to: 100 });
    await new Promise((r) => setTimeout(r, 300));

    const me = bad.state.racers.get(bad.sessionId)!;
    assert.equal(me.position, 0, "no invalid input moved the racer");
    assert.equal(me.speed, 0);
    assert.ok(good.state.racers.get(good.sessionId)!.position > 0, "the other racer kept racing");
    assert.equal(errors.filter((c) => c === ErrorCode.InvalidMessage).length, invalid.length * 10);
    assert.ok(errors.includes(ErrorCode.UnknownMessage));

    // still connected: a valid input now moves the racer
    const stopBad = drive(bad);
    await bad.waitFor((s) => s.racers.get(bad.sessionId)!.position > 0, 5_000);
    stopGood();
    stopBad();
    await Promise.all([good.leave(), bad.leave()]);
  });

  it("makes a player who leaves mid-race DNF while the others finish", async () => {
    const options = { trackLength: 80, maxPlayers: 3 };
    const rooms = [
      await (await player(server.url, "stays-1")).joinRace(options),
      await (await player(server.url, "stays-2")).joinRace(options),
      await (await player(server.url, "quitter")).joinRace(options),
    ];
    const [a, b, quitter] = rooms as [RaceRoom, RaceRoom, RaceRoom];
    await a.waitFor((s) => s.phase === "racing");
    const stops = [drive(a), drive(b), drive(quitter)];
    await new Promise((r) => setTimeout(r, 400));
    stops[2]!();
    const quitterId = quitter.sessionId;
    await quitter.leave();
    await a.waitFor((s) => s.racers.get(quitterId)?.dnf === true, 5_000);

    const finished: RaceFinishedPayload = await a.next("finished", 30_000);
    stops.forEach((stop) => stop());
    const quitterStanding = finished.standings.find((s) => s.sessionId === quitterId)!;
    assert.equal(quitterStanding.dnf, true);
    assert.equal(quitterStanding.place, 3);
    assert.equal(quitterStanding.finishTimeMs, null);
    assert.deepEqual(
      finished.standings.filter((s) => !s.dnf).map((s) => s.place).sort(),
      [1, 2],
    );
    await Promise.all([a.leave(), b.leave()]);
  });

  it("refuses invalid join options during matchmaking with a typed error", async () => {
    const client = await player(server.url, "picky");
    await assert.rejects(client.joinRace({ trackLength: 10 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.InvalidOptions);
      assert.match(error.message, /trackLength/);
      return true;
    });
    await assert.rejects(client.joinRace({ maxPlayers: 9 }), { code: ErrorCode.InvalidOptions });
    await assert.rejects(client.joinRace({ lanes: 1.5 }), { code: ErrorCode.InvalidOptions });
  });
});
