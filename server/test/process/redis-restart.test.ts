import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RaceRoom } from "@arena/client-sdk";
import { hiddenRooms, nonJsonLines, report, startChaosCluster, wait, type ChaosCluster } from "../support/chaos.js";
import { matchmakeCode, reserve, roomOn, type Node } from "../support/cluster.js";
import { player } from "../support/players.js";
import type { RedisServer } from "../support/redis-server.js";

/** Asks through `via` for a seat with `options` until it lands in `roomId`: how long that took, and each answer's time. */
async function foundAgain(via: Node, options: object, roomId: string, withinMs: number) {
  const asker = await player(via.url, "asker");
  const started = Date.now();
  const answers: Array<{ ms: number; status: number }> = [];
  while (Date.now() - started < withinMs) {
    const answer = await reserve(via, asker, "join", "race", options);
    answers.push({ ms: answer.ms, status: answer.status });
    if (answer.status === 200 && answer.body.roomId === roomId) return { afterMs: Date.now() - started, answers };
    await wait(100);
  }
  return { afterMs: undefined, answers };
}

const listed = (redis: RedisServer, key = "roomcaches") => redis.cli("hkeys", key).stdout.split("\n").filter((id) => id !== "");
/** Room ids in the index of joinable race rooms, which matchmaking reads. */
const joinable = (redis: RedisServer) => listed(redis, "arena:open:race");

describe("Redis restarted empty, or back with stale listings", () => {
  let cluster: ChaosCluster;
  let redis: RedisServer;
  let a: Node;
  let b: Node;

  before(async () => {
    // A reaches Redis through the proxy, so the test can cut A off alone
    cluster = await startChaosCluster("restart", ["a"]);
    ({ redis, a, b } = cluster);
  });
  after(() => cluster?.close());

  it("a waiting room on each node is found again by the next player asking for its settings, through the other node", async () => {
    const onA = { trackLength: 71, maxPlayers: 2 };
    const onB = { trackLength: 72, maxPlayers: 2 };
    const waitingA = await roomOn(a, a, await player(a.url, "wait-a"), "race", onA);
    const waitingB = await roomOn(a, b, await player(a.url, "wait-b"), "race", onB);
    // and a running race on A, whose listing reconnecting players need
    const racers = await Promise.all(["r1", "r2"].map((name) => player(a.url, name)));
    const running = await roomOn(a, a, racers[0]!, "race", { trackLength: 3000, maxPlayers: 2 });
    const second = (await racers[1]!.takeSeat((await reserve(a, racers[1]!, "joinById", running.reservation.roomId)).body)) as RaceRoom;
    await second.waitFor((s) => s.phase === "racing", 10_000);
    const rooms = [waitingA.reservation.roomId, waitingB.reservation.roomId, running.reservation.roomId];
    assert.deepEqual(rooms.filter((id) => listed(redis).includes(id)), rooms);

    redis.cli("set", "arena:test:marker", "1");
    const killedAt = Date.now();
    await redis.kill();
    await wait(1_000);
    const restartedAt = Date.now();
    await redis.restart();
    assert.equal(redis.cli("get", "arena:test:marker").stdout.trim(), "", "Redis came back empty");

    const [foundA, foundB] = await Promise.all([
      foundAgain(b, onA, waitingA.reservation.roomId, 10_000),
      foundAgain(a, onB, waitingB.reservation.roomId, 10_000),
    ]);
    assert.ok(foundA.afterMs !== undefined, "A's waiting room found through B");
    assert.ok(foundB.afterMs !== undefined, "B's waiting room found through A");
    const answers = [...foundA.answers, ...foundB.answers];
    assert.deepEqual(answers.filter((a) => a.ms > 1_000), [], "every answer within 1 s");
    assert.deepEqual(rooms.filter((id) => listed(redis).includes(id)), rooms, "every open room is listed again, the running race too");
    // matchmaking reads only the index: finding the waiting rooms put them back there (the askers' seats have since filled them)
    assert.ok(!joinable(redis).includes(running.reservation.roomId), "the running race is listed, not joinable");
    const hidden = await hiddenRooms(redis, [a, b]);
    assert.equal(hidden, 0, "no room runs unlisted");
    for (const node of [a, b]) {
      assert.ok(node.logs.some((l) => l.msg === "re-published this node's presence" && Number(l.listings) >= 1), `${node.env.NODE_ID} re-published`);
      assert.deepEqual(nonJsonLines(node), []);
    }
    report({
      fault: "Redis restarted empty",
      faultMs: restartedAt - killedAt,
      recoveryMs: Math.max(foundA.afterMs, foundB.afterMs),
      matches: 0,
      lost: 0,
      doubled: 0,
      hiddenRooms: hidden,
      requests: answers.length,
      hungOver1s: 0,
      slowestMs: Math.round(Math.max(...answers.map((a) => a.ms))),
      refused503: answers.filter((a) => a.status === 503).length,
    });
    await Promise.all([waitingA.room, waitingB.room, running.room, second].map((r) => r.leave()));
  });

  it("Redis back with a listing of a room that ended meanwhile (a replica behind): the node removes it", async () => {
    const settings = { trackLength: 73, maxPlayers: 2 };
    const gone = await roomOn(a, a, await player(a.url, "gone"), "race", settings);
    const staleListing = redis.cli("hget", "roomcaches", gone.reservation.roomId).stdout.trim();
    await gone.room.leave();
    await wait(500);
    assert.ok(!listed(redis).includes(gone.reservation.roomId), "the ended room left the listings");

    // A is cut off, and Redis "fails over" to a replica that is behind: it still lists the ended room
    await cluster.proxy.down();
    await redis.kill();
    await redis.restart();
    const oldListing = JSON.stringify({ ...(JSON.parse(staleListing) as object), createdAt: new Date(Date.now() - 3_600_000).toISOString() });
    redis.cli("hset", "roomcaches", gone.reservation.roomId, oldListing);
    // the replica has the index entry too: both keys are written in one atomic step
    redis.cli("hset", "arena:open:race", gone.reservation.roomId, oldListing);
    const backAt = Date.now();
    await cluster.proxy.up();

    while (listed(redis).includes(gone.reservation.roomId) && Date.now() - backAt < 10_000) await wait(100);
    assert.ok(!listed(redis).includes(gone.reservation.roomId), "the zombie listing was removed");
    assert.ok(!joinable(redis).includes(gone.reservation.roomId), "from the index of joinable rooms too");
    // B reconnected moments ago too: it may still ask for a retry (503 UNAVAILABLE, Retry-After)
    const late = await player(b.url, "late");
    let seat = await reserve(b, late, "joinOrCreate", "race", settings);
    for (let i = 0; seat.status === 503 && i < 20; i++) {
      assert.equal(matchmakeCode(seat.body), "UNAVAILABLE");
      await wait(250);
      seat = await reserve(b, late, "joinOrCreate", "race", settings);
    }
    assert.equal(seat.status, 200, JSON.stringify(seat.body));
    assert.notEqual(seat.body.roomId, gone.reservation.roomId, "nobody is sent to the room that ended");
    const repair = await a.waitForLog((l) => l.msg === "re-published this node's presence" && Number(l.staleListings) === 1);
    console.log(`# zombie listing removed ${Date.parse(String(repair.time)) - backAt} ms after Redis was back`);
  });
});
