import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RaceRoom } from "@arena/client-sdk";
import { CHAOS_ENV, assertStoredOnce, drive, nonJsonLines, report, resultsDatabase, storedByAny, wait } from "../support/chaos.js";
import { startNode, type Node } from "../support/cluster.js";
import { player } from "../support/players.js";
import { RedisServer } from "../support/redis-server.js";
import { freePort, tempDir } from "../support/server-process.js";

const PLAYERS = 4;
const RACE = { trackLength: 60, maxPlayers: 2 };

/** What one player loop saw. */
interface Tally {
  /** False once the test stops starting new races. */
  running: boolean;
  open: Set<RaceRoom>;
  joins: number;
  slowestJoinMs: number;
  slowJoins: number;
  joinsRefused: number;
  lobbiesClosedByDrain: number;
  finished: Map<string, string>;
  problems: string[];
}

/**
 * Both nodes restarted one after the other (SIGTERM, drain, start again on the same port and data
 * folder) while players keep joining races through either node.
 */
describe("rolling restart of both nodes under load", () => {
  let redis: RedisServer;
  let results: Awaited<ReturnType<typeof resultsDatabase>>;
  const nodes: Node[] = [];
  /** Every process started, the restarted ones included (their logs tell who stored what). */
  const processes: Node[] = [];
  const specs: Array<{ env: Record<string, string> }> = [];

  before(async () => {
    redis = await RedisServer.start();
    results = await resultsDatabase();
    for (const name of ["roll-a", "roll-b"]) {
      const env = { ...CHAOS_ENV, DATABASE_URL: results.url, DRAIN_GRACE_S: "3", PORT: String(await freePort()), DATA_DIR: await tempDir(), NODE_ID: name };
      specs.push({ env });
      nodes.push(await startNode(redis.url(), env));
      processes.push(nodes.at(-1)!);
    }
  });
  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await redis?.kill();
    await results?.close();
  });

  /** Joins through one node, then the other, until seated (a refused join or a drained lobby sends the player elsewhere). */
  async function playOnce(index: number, round: number, tally: Tally): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const node = nodes[(index + round + attempt) % nodes.length]!;
      let room: RaceRoom;
      const client = await player(node.url, `p${index}`).catch(() => undefined);
      const started = performance.now();
      try {
        if (!client) throw new Error("node down");
        room = await client.joinRace(RACE);
      } catch {
        tally.joinsRefused++;
        await wait(200);
        continue;
      } finally {
        const ms = performance.now() - started;
        tally.slowestJoinMs = Math.max(tally.slowestJoinMs, ms);
        if (ms > 1_000) tally.slowJoins++;
      }
      tally.joins++;
      tally.open.add(room);
      const finished = room.next("finished", 30_000).then((f) => f, () => undefined);
      const closed = new Promise<number>((resolve) => room.onLeave(resolve));
      const stop = drive(room);
      const outcome = await Promise.race([finished, closed]);
      stop();
      tally.open.delete(room);
      if (typeof outcome === "object" && outcome !== undefined) {
        tally.finished.set(outcome.matchId, room.state.phase);
        await room.leave();
        return;
      }
      // the room closed without a result: only a lobby closed by a drain may do that
      if (outcome === 4001 && room.state.phase === "waiting") {
        tally.lobbiesClosedByDrain++;
        continue;
      }
      // the test let a player waiting alone for a partner go
      if (!tally.running && room.state.phase === "waiting") return;
      tally.problems.push(`room closed with ${String(outcome)} in phase ${room.state.phase}`);
      return;
    }
    tally.problems.push("no seat after 10 attempts");
  }

  async function restart(index: number): Promise<number> {
    const node = nodes[index]!;
    const started = Date.now();
    assert.equal(await node.stop("SIGTERM", 30_000), 0, `${node.env.NODE_ID} drained and exited 0`);
    nodes[index] = await startNode(redis.url(), specs[index]!.env);
    processes.push(nodes[index]);
    return Date.now() - started;
  }

  it("every finished match is stored exactly once; clients see a clean end of match or a successful join elsewhere", async () => {
    const tally: Tally = { running: true, open: new Set(), joins: 0, slowestJoinMs: 0, slowJoins: 0, joinsRefused: 0, lobbiesClosedByDrain: 0, finished: new Map(), problems: [] };
    const loops = Array.from({ length: PLAYERS }, async (_, index) => {
      for (let round = 0; tally.running; round++) await playOnce(index, round, tally);
    });

    await wait(3_000);
    const restarts = [await restart(0)];
    await wait(2_000);
    restarts.push(await restart(1));
    await wait(3_000);
    tally.running = false;
    // races under way finish; a player left waiting alone for a partner is let go
    await wait(8_000);
    await Promise.all([...tally.open].filter((room) => room.state.phase === "waiting").map((room) => room.leave()));
    await Promise.all(loops);

    assert.deepEqual(tally.problems, [], "no client saw anything but a clean end or a join elsewhere");
    assert.ok(tally.finished.size >= 4, `matches were played through the restarts (${tally.finished.size})`);
    const finished = [...tally.finished.keys()].map((matchId) => ({ matchId, players: 2 }));
    await storedByAny(processes, finished.map((f) => f.matchId));
    const { lost, doubled } = await assertStoredOnce(results.db, finished);
    for (const node of processes) assert.deepEqual(nonJsonLines(node), []);
    report({
      fault: "rolling restart of 2 nodes (SIGTERM, drain 3 s, start)",
      faultMs: restarts.reduce((a, b) => a + b, 0),
      recoveryMs: Math.max(...restarts),
      matches: finished.length,
      lost,
      doubled,
      hiddenRooms: 0,
      requests: tally.joins + tally.joinsRefused,
      hungOver1s: tally.slowJoins,
      slowestMs: Math.round(tally.slowestJoinMs),
      refused503: tally.joinsRefused,
    });
    console.log(`# rolling restart: ${tally.joins} joins, ${tally.joinsRefused} refused and retried elsewhere, ${tally.lobbiesClosedByDrain} lobbies closed by a drain`);
  });
});
