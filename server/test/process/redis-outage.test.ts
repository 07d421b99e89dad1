import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inArray } from "drizzle-orm";
import type { QuizRoom, RaceRoom, WarRoom } from "@arena/client-sdk";
import { matches } from "../../src/persistence/schema.js";
import {
  Probe,
  answerSlowly,
  assertStoredOnce,
  guestInit,
  hiddenRooms,
  matchmakeInit,
  nonJsonLines,
  raceToEnd,
  report,
  startChaosCluster,
  storedByAny,
  wait,
  type ChaosCluster,
} from "../support/chaos.js";
import { matchmakeCode, reserve, roomOn, type Node } from "../support/cluster.js";
import { player } from "../support/players.js";

const OUTAGE_MS = 10_000;

/**
 * Redis unreachable for 10 s (connections refused; its data intact, as after a network outage or a
 * restart with persistence) while a race, a quiz and a war run on two nodes.
 */
describe("Redis down for 10 s in the middle of matches on two nodes", () => {
  let cluster: ChaosCluster;
  let a: Node;
  let b: Node;

  before(async () => {
    cluster = await startChaosCluster("outage", ["a", "b"]);
    ({ a, b } = cluster);
  });
  after(() => cluster?.close());

  it("matches end and are stored once; readiness 503 then 200; matchmaking refuses fast, then recovers; no process exits", async () => {
    // a race on each node, a quiz on A, a war on B, and a lobby waiting on A
    const racers = await Promise.all(["r1", "r2", "r3", "r4"].map((name) => player(a.url, name)));
    const raceOn = async (node: Node, first: number, trackLength: number) => {
      const { room, reservation } = await roomOn(a, node, racers[first]!, "race", { trackLength, maxPlayers: 2 });
      const second = await racers[first + 1]!.takeSeat((await reserve(a, racers[first + 1]!, "joinById", reservation.roomId)).body);
      return [room, second] as RaceRoom[];
    };
    const raceA = await raceOn(a, 0, 200);
    const raceB = await raceOn(b, 2, 400);
    const quizzers = await Promise.all(["q1", "q2"].map((name) => player(a.url, name)));
    const quiz = await roomOn(a, a, quizzers[0]!, "quiz", { rounds: 10, minPlayers: 2, maxPlayers: 2 });
    const quizRooms = [quiz.room, await quizzers[1]!.takeSeat((await reserve(a, quizzers[1]!, "joinById", quiz.reservation.roomId)).body)] as QuizRoom[];
    const war = (await roomOn(a, b, await player(a.url, "w1"), "war", { maxPlayers: 2, timeLimit: 8 })).room as WarRoom;
    const waiting = await roomOn(a, a, await player(a.url, "lonely"), "race", { trackLength: 61, maxPlayers: 2 });

    await Promise.all([...raceA, ...raceB].map((r) => r.waitFor((s) => s.phase === "racing", 10_000)));
    await quizRooms[0]!.waitFor((s) => s.status === "question", 10_000);
    await war.waitFor((s) => s.phase === "playing", 10_000);
    const answering = quizRooms.map((q) => answerSlowly(q, 1_000));
    const ends = {
      raceA: raceToEnd(raceA),
      raceB: raceToEnd(raceB),
      quiz: quizRooms[0]!.next("finished", 60_000),
      war: war.next("finished", 60_000),
    };

    const prober = await player(a.url, "prober");
    const probe = new Probe();
    const round = () =>
      Promise.all(
        [a, b].flatMap((node) => [
          probe.request("ready", node, "/ready"),
          probe.request("matchmake", node, "/matchmake/joinOrCreate/race", matchmakeInit(prober.token!, { trackLength: 4999, maxPlayers: 8 })),
          probe.request("auth", node, "/auth/guest", guestInit("probe")),
        ]),
      );

    const positionBefore = raceB[0]!.state.racers.get(raceB[0]!.sessionId)!.position;
    const downAt = Date.now();
    await cluster.proxy.down();
    probe.every(250, round);
    await wait(OUTAGE_MS);

    // during the outage: rooms played on, and a match that ended reached PostgreSQL
    assert.ok(raceB[0]!.state.racers.get(raceB[0]!.sessionId)!.position > positionBefore + 50, "B's race went on");
    const warEnd = await ends.war;
    const [stored] = await cluster.results.db.db.select({ id: matches.id }).from(matches).where(inArray(matches.id, [warEnd.matchId]));
    assert.ok(stored, "the war that ended during the outage is already stored");
    const during = probe.samples.filter((s) => s.at > downAt + 1_500);
    assert.ok(during.filter((s) => s.what === "ready").every((s) => s.status === 503), "readiness 503 while Redis is down");
    for (const s of during.filter((x) => x.what === "matchmake")) {
      assert.equal(s.status, 503, s.body);
      assert.equal(matchmakeCode(JSON.parse(s.body)), "UNAVAILABLE");
      assert.ok(Number(s.retryAfter) >= 1, "Retry-After");
    }
    assert.ok(during.filter((s) => s.what === "auth").every((s) => s.status === 200), "guest tokens need neither Redis nor a wait");

    const upAt = Date.now();
    await cluster.proxy.up();
    let recoveredAt: number | undefined;
    while (Date.now() - upAt < 10_000 && recoveredAt === undefined) {
      const samples = await round();
      if (samples.every((s) => s.status === 200)) recoveredAt = Date.now();
      else await wait(100);
    }
    await probe.stop();
    assert.ok(recoveredAt !== undefined, "both nodes ready and matchmaking within 10 s of Redis coming back");

    // the lobby is found again through the other node
    const next = await reserve(b, await player(b.url, "next"), "joinOrCreate", "race", { trackLength: 61, maxPlayers: 2 });
    assert.equal(next.body.roomId, waiting.reservation.roomId, "the waiting room was found again");
    const hidden = await hiddenRooms(cluster.redis, [a, b]);
    assert.equal(hidden, 0, "every room running on either node is listed");

    const [raceAEnd, raceBEnd, quizEnd] = await Promise.all([ends.raceA, ends.raceB, ends.quiz]);
    answering.forEach((stop) => stop());
    await Promise.all([...raceA, ...raceB, ...quizRooms, war, waiting.room].map((r) => r.leave()));
    const finished = [
      { matchId: raceAEnd.matchId, players: 2 },
      { matchId: raceBEnd.matchId, players: 2 },
      { matchId: quizEnd.matchId, players: 2 },
      // the war's bot has a seat too
      { matchId: warEnd.matchId, players: 2 },
    ];
    await storedByAny([a, b], finished.map((f) => f.matchId));
    const { lost, doubled } = await assertStoredOnce(cluster.results.db, finished);

    for (const node of [a, b]) {
      assert.equal(node.child.exitCode, null, `${node.env.NODE_ID} still runs`);
      assert.deepEqual(nonJsonLines(node), [], "only JSON lines, no ioredis stack traces");
      assert.equal(node.logs.filter((l) => l.msg?.startsWith("Redis unreachable")).length, 1, "one line when Redis went away");
      assert.equal(node.logs.filter((l) => l.msg === "Redis reachable again").length, 1, "one line when it came back");
    }
    const hung = probe.hung();
    assert.deepEqual(hung, [], "no request took over 1 s");
    report({
      fault: "Redis unreachable 10 s (data kept)",
      faultMs: upAt - downAt,
      recoveryMs: recoveredAt - upAt,
      matches: finished.length,
      lost,
      doubled,
      hiddenRooms: hidden,
      requests: probe.samples.length,
      hungOver1s: hung.length,
      slowestMs: Math.round(probe.slowest()),
      refused503: probe.samples.filter((s) => s.status === 503 && s.what === "matchmake").length,
    });
  });
});
