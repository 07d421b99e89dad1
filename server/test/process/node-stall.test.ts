import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { RaceRoom } from "@arena/client-sdk";
import {
  Probe,
  allListings,
  assertStoredOnce,
  hiddenRooms,
  listingsOf,
  matchmakeInit,
  nonJsonLines,
  raceToEnd,
  report,
  startChaosCluster,
  wait,
  type ChaosCluster,
} from "../support/chaos.js";
import { reserve, roomOn, type Node } from "../support/cluster.js";
import { player } from "../support/players.js";
import type { RedisServer } from "../support/redis-server.js";

/** Colyseus' IPC timeout (COLYSEUS_PRESENCE_SHORT_TIMEOUT, 2 s by default). */
const IPC_TIMEOUT_MS = 2_000;

/**
 * Node B stalls (cut off from Redis, or SIGSTOPped) while node A matchmakes. B reaches Redis through a
 * TCP proxy the test can pause; its players reach it directly.
 */
describe("a node that is slow, not dead", () => {
  let cluster: ChaosCluster;
  let redis: RedisServer;
  let a: Node;
  let b: Node;
  const finished: Array<{ matchId: string; players: number }> = [];

  beforeEach(async () => {
    cluster = await startChaosCluster("stall", ["b"]);
    ({ redis, a, b } = cluster);
    finished.length = 0;
  });
  afterEach(() => cluster?.close());

  /**
   * A race and a waiting room on B, three lobbies on A (so A creates new rooms on B, the node with
   * fewer rooms, until it learns B stalls); the fault for `faultMs` while A matchmakes every 200 ms,
   * half the requests for B's lobby settings, half for new settings; then B's rooms must be found
   * again, no request may have made two rooms, every room on B must be listed, and every result
   * must be stored once.
   */
  async function stall(fault: string, key: number, faultMs: number, cut: () => Promise<void> | void, heal: () => Promise<void> | void, probeB: boolean) {
    const racers = await Promise.all(["r1", "r2"].map((name) => player(a.url, `${name}-${key}`)));
    const race = await roomOn(a, b, racers[0]!, "race", { trackLength: 300 + key, maxPlayers: 2 });
    const raceRooms = [race.room, await racers[1]!.takeSeat((await reserve(a, racers[1]!, "joinById", race.reservation.roomId)).body)] as RaceRoom[];
    const lobbyOptions = { trackLength: 100 + key, maxPlayers: 2 };
    const lobby = await roomOn(a, b, await player(a.url, `lobby-${key}`), "race", lobbyOptions);
    const onA = [];
    for (let i = 0; i < 3; i++) onA.push((await roomOn(a, a, await player(a.url, `a${i}-${key}`), "race", { trackLength: 200 + key * 10 + i, maxPlayers: 2 })).room);
    await raceRooms[0]!.waitFor((s) => s.phase === "racing", 10_000);
    const raceEnd = raceToEnd(raceRooms);
    const bRooms = [race.reservation.roomId, lobby.reservation.roomId];
    assert.deepEqual(bRooms.filter((id) => listingsOf(redis, b.processId).includes(id)), bRooms, "B's rooms are listed");

    const asker = await player(a.url, `asker-${key}`);
    const probe = new Probe();
    /** Settings asked for once each: a second room with one of them would be a twin (colyseus#978). */
    const once: number[] = [];
    const round = () => {
      const trackLength = 1000 + key * 500 + once.length;
      once.push(trackLength);
      return Promise.all([
        probe.request("lobby", a, "/matchmake/joinOrCreate/race", matchmakeInit(asker.token!, lobbyOptions)),
        probe.request("create", a, "/matchmake/joinOrCreate/race", matchmakeInit(asker.token!, { trackLength, maxPlayers: 2 })),
        ...(probeB
          ? [
              probe.request("ready-b", b, "/ready"),
              probe.request("matchmake-b", b, "/matchmake/joinOrCreate/race", matchmakeInit(asker.token!, { trackLength: 4000 + key, maxPlayers: 8 })),
            ]
          : []),
      ]);
    };
    const position = () => raceRooms[0]!.state.racers.get(raceRooms[0]!.sessionId)!.position;
    const before = position();
    const cutAt = Date.now();
    await cut();
    probe.every(200, round);
    await wait(faultMs);
    // the probe's own requests end before the heal: one answered afterwards would be a fresh seat, legitimately on B
    await probe.stop();
    const healAt = Date.now();
    await heal();
    const seatsOnB = probe.samples.filter(
      (s) => s.node === "stall-a" && s.status === 200 && (JSON.parse(s.body) as { processId: string }).processId === b.processId,
    );
    assert.deepEqual(seatsOnB, [], "A handed out no seat on B while B was stalled");
    if (probeB) {
      assert.ok(position() > before + 40, "B's race went on while B was cut off from Redis");
      const late = probe.samples.filter((s) => s.node === "stall-b" && s.at > cutAt + 2_000);
      assert.ok(late.filter((s) => s.what === "ready-b").every((s) => s.status === 503), "B not ready while cut off");
      assert.ok(late.filter((s) => s.what === "matchmake-b").every((s) => s.status === 503), "B refuses matchmaking while cut off");
    }

    // B's lobby is found again through A
    let foundAfterMs: number | undefined;
    while (foundAfterMs === undefined && Date.now() - healAt < 10_000) {
      const seat = await reserve(a, await player(a.url, `found-${key}`), "joinById", lobby.reservation.roomId);
      if (seat.status === 200 && seat.body.processId === b.processId) foundAfterMs = Date.now() - healAt;
      else await wait(100);
    }
    assert.ok(foundAfterMs !== undefined, "B's waiting room found again");
    // late requests B received when it resumed (A gave up on them) made no room and no seat
    await wait(IPC_TIMEOUT_MS + 500);
    const all = allListings(redis);
    const twins = once.filter((trackLength) => all.filter((l) => l.metadata?.trackLength === trackLength).length > 1);
    assert.deepEqual(twins, [], "one request, at most one room (colyseus#978)");
    // a health check A started during the fault may remove B's listings late: B puts them back by itself
    const hidden = await hiddenRooms(redis, [b]);
    assert.equal(hidden, 0, "every room running on B is listed");

    const end = await raceEnd;
    finished.push({ matchId: end.matchId, players: 2 });
    await Promise.all([...raceRooms, lobby.room, ...onA].map((room) => room.leave()));
    await b.waitForLog((l) => l.msg === "match result stored" && l.matchId === end.matchId, 15_000);
    const { lost, doubled } = await assertStoredOnce(cluster.results.db, finished);
    assert.deepEqual(nonJsonLines(a), []);
    assert.deepEqual(nonJsonLines(b), []);
    const aSamples = probe.samples.filter((s) => s.node === "stall-a");
    const hung = probe.samples.filter((s) => s.ms > 1_000 && (probeB || s.node === "stall-a"));
    assert.deepEqual(hung.map((s) => `${s.what} ${Math.round(s.ms)} ms`), [], "no request through a running node took over 1 s");
    report({
      fault,
      faultMs: healAt - cutAt,
      recoveryMs: foundAfterMs,
      matches: 1,
      lost,
      doubled,
      hiddenRooms: hidden,
      requests: probe.samples.length,
      hungOver1s: hung.length,
      slowestMs: Math.round(Math.max(0, ...aSamples.map((s) => s.ms))),
      refused503: aSamples.filter((s) => s.status === 503).length,
    });
  }

  it("partitioned from Redis, not from its players: its rooms play on, A seats nobody on it, and after healing nothing is doubled", async () => {
    await stall("node cut off from Redis 6 s", 1, 6_000, () => cluster.proxy.pause(), () => cluster.proxy.resume(), true);
  });

  it("SIGSTOP for twice the IPC timeout while the other node matchmakes: no duplicate room, no doubled result, its rooms found again", async () => {
    await stall("node SIGSTOPped 4 s", 2, 2 * IPC_TIMEOUT_MS, () => b.kill("SIGSTOP"), () => b.kill("SIGCONT"), false);
  });
});
