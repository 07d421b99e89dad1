import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { HistoryResponse, HttpErrorBody, LeaderboardResponse, MatchResponse } from "@arena/shared";
import { openDatabase, type Database } from "../src/persistence/database.js";
import { writeMatchResult } from "../src/persistence/results-store.js";
import { raceResult, silentLogger } from "./support/fixtures.js";
import { createScratchDatabase } from "./support/scratch-database.js";
import { startServer, type ServerProcess } from "./support/server-process.js";

describe("leaderboard and history routes (real PostgreSQL)", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let server: ServerProcess;
  let database: Database;
  const ada = randomUUID();
  const bob = randomUUID();
  const cyd = randomUUID();
  const matchIds: string[] = [];

  /** A two-or-three player race where the players finish in the given order with the given scores. */
  async function race(order: Array<[string, string, number]>, endedAt: Date, mode: "race" | "war" = "race") {
    const result = raceResult(order.length, { mode, endedAt: endedAt.toISOString(), startedAt: new Date(endedAt.getTime() - 60_000).toISOString() });
    result.participants = order.map(([playerId, displayName, score], i) => ({
      playerId,
      displayName,
      isBot: false,
      placement: i + 1,
      score,
      finishTimeMs: 1000 * (i + 1),
      details: {},
      reputationDelta: mode === "war" ? (i === 0 ? 30 : 5) : 0,
    }));
    matchIds.push(result.matchId);
    assert.equal(await writeMatchResult(database.db, result), "written");
  }

  before(async () => {
    scratch = await createScratchDatabase();
    // the server applies the migrations to the empty database
    server = await startServer({ env: { DATABASE_URL: scratch.url } });
    database = await openDatabase({ databaseUrl: scratch.url, dataDir: "", logger: silentLogger });
    const t = Date.parse("2026-01-01T12:00:00Z");
    await race([[ada, "ada", 300], [bob, "bob", 200], [cyd, "cyd", 100]], new Date(t));
    await race([[bob, "bob", 300], [ada, "ada", 200]], new Date(t + 60_000));
    await race([[cyd, "cyd", 250], [bob, "bob", 150]], new Date(t + 120_000));
    await race([[cyd, "cyd", 500], [ada, "ada", 100]], new Date(t + 180_000), "war");
  });
  after(async () => {
    await database?.close();
    await server?.stop();
    await scratch?.drop();
  });

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  }

  it("ranks a mode's players by total score, then paginates", async () => {
    const { status, body } = await get<LeaderboardResponse>("/leaderboards/race");
    assert.equal(status, 200);
    assert.deepEqual(
      body.entries.map((e) => [e.position, e.displayName, e.totalScore, e.matches, e.wins, e.bestScore]),
      [
        [1, "bob", 650, 3, 1, 300],
        [2, "ada", 500, 2, 1, 300],
        [3, "cyd", 350, 2, 1, 250],
      ],
    );
    const page2 = await get<LeaderboardResponse>("/leaderboards/race?limit=1&offset=1");
    assert.equal(page2.body.entries.length, 1);
    assert.equal(page2.body.entries[0]!.position, 2);
    assert.equal(page2.body.entries[0]!.displayName, body.entries[1]!.displayName);
  });

  it("ranks by best single score, by wins and by rating", async () => {
    const best = await get<LeaderboardResponse>("/leaderboards/race?by=best");
    assert.deepEqual(best.body.entries.map((e) => e.bestScore), [300, 300, 250]);
    const wins = await get<LeaderboardResponse>("/leaderboards/war?by=wins");
    assert.deepEqual(wins.body.entries.map((e) => [e.displayName, e.wins]), [["cyd", 1], ["ada", 0]]);
    const rating = await get<LeaderboardResponse>("/leaderboards/war?by=rating");
    assert.deepEqual(rating.body.entries.map((e) => [e.displayName, e.reputation, e.rank]), [["cyd", 30, "bronze"], ["ada", 5, "bronze"]]);
  });

  it("lists a player's recent matches, newest first, with a cursor", async () => {
    const { status, body } = await get<HistoryResponse>(`/players/${bob}/matches?limit=2`);
    assert.equal(status, 200);
    assert.equal(body.player.displayName, "bob");
    assert.deepEqual(body.matches.map((m) => [m.placement, m.score]), [[2, 150], [1, 300]]);
    assert.ok(body.nextBefore);
    const next = await get<HistoryResponse>(`/players/${bob}/matches?limit=2&before=${encodeURIComponent(body.nextBefore!)}`);
    assert.deepEqual(next.body.matches.map((m) => [m.placement, m.score]), [[2, 200]]);
    assert.equal(next.body.nextBefore, null);
    const onlyWar = await get<HistoryResponse>(`/players/${ada}/matches?mode=war`);
    assert.deepEqual(onlyWar.body.matches.map((m) => m.mode), ["war"]);
  });

  it("returns one stored match with its participants", async () => {
    const { status, body } = await get<MatchResponse>(`/matches/${matchIds[0]}`);
    assert.equal(status, 200);
    assert.deepEqual(body.participants.map((p) => p.displayName), ["ada", "bob", "cyd"]);
  });

  it("answers bad queries with 400 INVALID_QUERY and unknown things with 404 NOT_FOUND", async () => {
    const cases: Array<[string, number, string]> = [
      ["/leaderboards/race?limit=0", 400, "INVALID_QUERY"],
      ["/leaderboards/race?limit=abc", 400, "INVALID_QUERY"],
      ["/leaderboards/race?by=luck", 400, "INVALID_QUERY"],
      ["/leaderboards/race?offset=-1", 400, "INVALID_QUERY"],
      ["/leaderboards/race?extra=1", 400, "INVALID_QUERY"],
      ["/leaderboards/chess", 404, "NOT_FOUND"],
      [`/players/${randomUUID()}/matches`, 404, "NOT_FOUND"],
      ["/players/not-a-uuid/matches", 400, "INVALID_QUERY"],
      [`/players/${ada}/matches?before=yesterday`, 400, "INVALID_QUERY"],
      [`/matches/${randomUUID()}`, 404, "NOT_FOUND"],
    ];
    for (const [path, status, code] of cases) {
      const res = await get<HttpErrorBody>(path);
      assert.equal(res.status, status, path);
      assert.equal(res.body.code, code, path);
      assert.equal(typeof res.body.message, "string");
      assert.ok(!JSON.stringify(res.body).includes("at "), "no stack trace");
    }
  });
});
