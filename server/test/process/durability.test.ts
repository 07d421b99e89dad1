import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inArray } from "drizzle-orm";
import type { RaceRoom } from "@arena/client-sdk";
import type { RaceFinishedPayload } from "@arena/shared/modes/race/contract";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { matchParticipants, matches } from "../../src/persistence/schema.js";
import { silentLogger } from "../support/fixtures.js";
import { player } from "../support/players.js";
import { TEST_DATABASE_URL, freePort, startServer, tempDir, type ServerProcess } from "../support/server-process.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Plays one short two-player race to the end on `server`. */
async function race(server: ServerProcess, trackLength = 50): Promise<RaceFinishedPayload> {
  const options = { trackLength, maxPlayers: 2 };
  const a = await (await player(server.url, "a")).joinRace(options);
  const b = await (await player(server.url, "b")).joinRace(options);
  await a.waitFor((s) => s.phase === "racing");
  const timers = [a, b].map((r) => setInterval(() => r.send("input", { throttle: 1, steer: 0, boost: true }), 50));
  const finished = await a.next("finished", 30_000);
  timers.forEach(clearInterval);
  await Promise.all([a.leave(), b.leave()]);
  return finished;
}

describe("no result lost", () => {
  let database: Database;
  let proxy: TcpProxy;
  let proxyUrl: string;

  before(async () => {
    database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "", logger: silentLogger });
    const port = await freePort();
    // the same database as the tests', reached through a proxy the test can cut
    const target = new URL(TEST_DATABASE_URL);
    proxy = new TcpProxy(port, { host: target.hostname, port: Number(target.port || 5432) });
    await proxy.up();
    target.host = `127.0.0.1:${port}`;
    proxyUrl = target.toString();
  });
  after(async () => {
    await proxy.down();
    await database.close();
  });

  async function countStored(ids: string[]) {
    const rows = await database.db.select({ id: matches.id }).from(matches).where(inArray(matches.id, ids));
    const participants = await database.db.select().from(matchParticipants).where(inArray(matchParticipants.matchId, ids));
    return { matches: rows.length, participants: participants.length };
  }

  it("matches that end while PostgreSQL is unreachable land exactly once when it is back", async () => {
    const server = await startServer({ env: { DATABASE_URL: proxyUrl, RESULTS_RETRY_MAX_MS: "1000" } });
    try {
      await proxy.down();
      const finished = await Promise.all([race(server, 50), race(server, 51), race(server, 52)]);
      const ids = finished.map((f) => f.matchId);
      await server.waitForLog((l) => l.msg === "match result write failed; will retry");
      assert.deepEqual(await countStored(ids), { matches: 0, participants: 0 }, "nothing reached the database yet");
      const ready = await fetch(`${server.url}/ready`);
      assert.equal(ready.status, 503, "readiness reports the database outage");

      await proxy.up();
      for (const id of ids) await server.waitForLog((l) => l.msg === "match result stored" && l.matchId === id, 30_000);
      assert.deepEqual(await countStored(ids), { matches: 3, participants: 6 });
      await wait(500);
      assert.deepEqual(await countStored(ids), { matches: 3, participants: 6 }, "and only once");
    } finally {
      await proxy.up();
      await server.stop();
    }
  });

  it("a node SIGKILLed after a match ended, before its write was confirmed, writes it exactly once on restart", async () => {
    const dataDir = await tempDir();
    const env = { DATABASE_URL: proxyUrl, DATA_DIR: dataDir };
    const first = await startServer({ env });
    await proxy.down();
    const finished = await race(first);
    await first.waitForLog((l) => l.msg === "match result submitted" && l.matchId === finished.matchId);
    first.kill("SIGKILL");
    await first.exited;
    assert.deepEqual(await countStored([finished.matchId]), { matches: 0, participants: 0 });

    await proxy.up();
    const second = await startServer({ env });
    try {
      await second.waitForLog((l) => l.msg === "draining results left in the journal" && l.count === 1);
      await second.waitForLog((l) => l.msg === "match result stored" && l.matchId === finished.matchId, 30_000);
      assert.deepEqual(await countStored([finished.matchId]), { matches: 1, participants: 2 });
    } finally {
      await second.stop();
    }
    // a third start finds the journal empty: nothing is written twice
    const third = await startServer({ env });
    await wait(300);
    assert.ok(!third.logs.some((l) => l.msg === "draining results left in the journal"));
    await third.stop();
    assert.deepEqual(await countStored([finished.matchId]), { matches: 1, participants: 2 });
  });

  it("SIGTERM drains: readiness false at once, running matches end and are stored, exit 0", async () => {
    const server = await startServer({ env: { DRAIN_GRACE_S: "2", QUIZ_ANSWER_WINDOW_MS: "60000", QUIZ_JOIN_WINDOW_MS: "100" } });
    // a long race (will not finish within the grace: ends as aborted) and a quiz stuck in its first round
    const options = { trackLength: 3000, maxPlayers: 2 };
    const r1 = await (await player(server.url, "r1")).joinRace(options);
    const r2 = await (await player(server.url, "r2")).joinRace(options);
    const q1 = await (await player(server.url, "q1")).joinQuiz({ minPlayers: 2, maxPlayers: 2, rounds: 3 });
    await (await player(server.url, "q2")).joinQuiz({ minPlayers: 2, maxPlayers: 2, rounds: 3 });
    await r1.waitFor((s) => s.phase === "racing");
    await q1.waitFor((s) => s.status === "question");
    const raceEnd = r1.next("finished", 20_000);
    const quizEnd = q1.next("finished", 20_000);
    const drive = [r1, r2].map((r: RaceRoom) => setInterval(() => r.send("input", { throttle: 1, steer: 0, boost: false }), 100));

    server.kill("SIGTERM");
    const readyDuringDrain = await fetch(`${server.url}/ready`);
    assert.equal(readyDuringDrain.status, 503);
    assert.equal(((await readyDuringDrain.json()) as { checks: { accepting: string } }).checks.accepting, "draining");
    const refused = await fetch(`${server.url}/matchmake/joinOrCreate/race`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(refused.status, 503, "no new seats while draining");

    const [raceFinished, quizFinished] = await Promise.all([raceEnd, quizEnd]);
    drive.forEach(clearInterval);
    assert.equal(await server.exited, 0);
    const stored = await database.db.select().from(matches).where(inArray(matches.id, [raceFinished.matchId, quizFinished.matchId]));
    assert.deepEqual(stored.map((m) => [m.mode, m.status]).sort(), [["quiz", "aborted"], ["race", "aborted"]]);
    assert.ok(server.logs.some((l) => l.msg === "stopped"));
    const at = (msg: string) => Date.parse(String(server.logs.find((l) => l.msg === msg)?.time));
    const drainMs = at("stopped") - at("draining");
    assert.ok(drainMs < 2_000 + 5_000, `drained in ${drainMs} ms (grace 2 s)`);
  });
});
