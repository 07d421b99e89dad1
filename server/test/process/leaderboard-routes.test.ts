import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { and, eq } from "drizzle-orm";
import type { HistoryResponse, HttpErrorBody, LeaderboardResponse, MatchResponse } from "@arena/shared";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { writeMatchResult } from "../../src/persistence/results-store.js";
import { playerRatings, ratingChanges } from "../../src/persistence/schema.js";
import { seasonSeed } from "../../src/ratings/ratings.js";
import { raceResult, silentLogger } from "../support/fixtures.js";
import { player } from "../support/players.js";
import { createScratchDatabase } from "../support/scratch-database.js";
import { startServer, type ServerProcess } from "../support/server-process.js";

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

  it("ranks by best single score, by wins, by reputation and by skill rating", async () => {
    const best = await get<LeaderboardResponse>("/leaderboards/race?by=best");
    assert.deepEqual(best.body.entries.map((e) => e.bestScore), [300, 300, 250]);
    const wins = await get<LeaderboardResponse>("/leaderboards/war?by=wins");
    assert.deepEqual(wins.body.entries.map((e) => [e.displayName, e.wins]), [["cyd", 1], ["ada", 0]]);
    const reputation = await get<LeaderboardResponse>("/leaderboards/war?by=reputation");
    assert.deepEqual(reputation.body.entries.map((e) => [e.displayName, e.reputation, e.rank]), [["cyd", 30, "bronze"], ["ada", 5, "bronze"]]);
    const rating = await get<LeaderboardResponse>("/leaderboards/war?by=rating");
    assert.equal(rating.body.season, "s1", "the server's SEASON when the query names none");
    assert.deepEqual(rating.body.entries.map((e) => [e.displayName, e.rating?.matches]), [["cyd", 1], ["ada", 1]]);
    assert.ok(rating.body.entries[0]!.rating!.ordinal > rating.body.entries[1]!.rating!.ordinal);
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
      ["/leaderboards/race?by=rating&season=Spring%202027", 400, "INVALID_QUERY"],
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

describe("from the SDK to the leaderboard: a quiz and a war played, then read back over HTTP", () => {
  it("shows the players of finished quizzes and wars on the boards and in their history", async () => {
    const scratch = await createScratchDatabase();
    const server = await startServer({
      env: {
        DATABASE_URL: scratch.url,
        QUIZ_JOIN_WINDOW_MS: "100",
        QUIZ_ANSWER_WINDOW_MS: "800",
        QUIZ_REVEAL_MS: "100",
        WAR_LOBBY_TIMEOUT_MS: "200",
      },
    });
    try {
      // a quiz of two: both answer every round
      const quizOptions = { rounds: 3, minPlayers: 2, maxPlayers: 2 };
      const aliceClient = await player(server.url, "alice");
      const alice = await aliceClient.joinQuiz(quizOptions);
      const bob = await (await player(server.url, "bob")).joinQuiz(quizOptions);
      const answer = (room: typeof alice) =>
        setInterval(() => {
          const s = room.state;
          if (s.status === "question" && !s.players.get(room.sessionId)?.answered) {
            room.send("answer", { answer: s.question.kind === "choice" ? 0 : s.question.minValue, round: s.round });
          }
        }, 50);
      const timers = [answer(alice), answer(bob)];
      const quizDone = await alice.next("finished", 30_000);
      timers.forEach(clearInterval);
      await Promise.all([alice.leave(), bob.leave()]);

      // a war of one human and one bot, short enough to end at its time limit
      const war = await aliceClient.joinWar({ maxPlayers: 2, timeLimit: 5 });
      const warDone = await war.next("finished", 30_000);
      await war.leave();

      const aliceId = (await aliceClient.guest("alice")).playerId;
      /** Results are written right after each match: poll a route until it shows them. */
      const until = async <T>(path: string, ready: (body: T) => boolean): Promise<T> => {
        for (let i = 0; i < 50; i++) {
          const res = await fetch(`${server.url}${path}`);
          const body = (await res.json()) as T;
          if (res.status === 200 && ready(body)) return body;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`${path} never showed the results`);
      };
      const quizBoard = await until<LeaderboardResponse>("/leaderboards/quiz", (b) => b.entries.length >= 2);
      assert.deepEqual(quizBoard.entries.map((e) => e.displayName).sort(), ["alice", "bob"]);
      const warBoard = await until<LeaderboardResponse>("/leaderboards/war?by=reputation", (b) => b.entries.length > 0);
      assert.deepEqual(warBoard.entries.map((e) => e.displayName), ["alice"], "bots are not on the board");
      assert.equal(warBoard.entries[0]!.rating, null, "a war against bots only rates nobody");
      const history = await until<HistoryResponse>(`/players/${aliceId}/matches`, (b) => b.matches.length >= 2);
      assert.deepEqual(history.matches.map((m) => m.matchId).sort(), [quizDone.matchId, warDone.matchId].sort());
      const stored = await until<MatchResponse>(`/matches/${warDone.matchId}`, () => true);
      assert.equal(stored.rows.faction_standings?.length, 2);
      assert.ok(stored.participants.some((p) => p.isBot));
    } finally {
      await server.stop();
      await scratch.drop();
    }
  });
});

describe("seasons: the rating board of each season over HTTP (real PostgreSQL)", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let server: ServerProcess;
  let database: Database;
  const [ada, bob, cyd] = [randomUUID(), randomUUID(), randomUUID()];
  const names: Record<string, string> = { [ada]: "ada", [bob]: "bob", [cyd]: "cyd" };

  /** A race of the given players in finishing order, counted for `season`. */
  async function race(season: string, order: string[]) {
    const result = raceResult(order.length, { season });
    result.participants = order.map((playerId, i) => ({ ...result.participants[i]!, playerId, displayName: names[playerId]!, placement: i + 1 }));
    assert.equal(await writeMatchResult(database.db, result), "written");
  }
  async function board(query: string): Promise<LeaderboardResponse> {
    const res = await fetch(`${server.url}/leaderboards/race?${query}`);
    assert.equal(res.status, 200, query);
    return (await res.json()) as LeaderboardResponse;
  }
  const storedRatings = async (season: string) =>
    Object.fromEntries(
      (await database.db.select().from(playerRatings).where(eq(playerRatings.season, season))).map((r) => [names[r.playerId], r.ordinal]),
    );

  before(async () => {
    scratch = await createScratchDatabase();
    server = await startServer({ env: { DATABASE_URL: scratch.url, SEASON: "s2" } });
    database = await openDatabase({ databaseUrl: scratch.url, dataDir: "", logger: silentLogger });
    // last season: ada won everything
    for (let i = 0; i < 4; i++) await race("s1", [ada, bob, cyd]);
    // this season: cyd beats bob twice; ada has not played yet
    await race("s2", [cyd, bob]);
    await race("s2", [cyd, bob]);
  });
  after(async () => {
    await database?.close();
    await server?.stop();
    await scratch?.drop();
  });

  it("shows the current season's board by rating, best ordinal first, with each player's rating", async () => {
    const current = await board("by=rating");
    assert.equal(current.season, "s2");
    assert.deepEqual(current.entries.map((e) => [e.position, e.displayName, e.matches, e.rating?.matches]), [[1, "cyd", 2, 2], [2, "bob", 2, 2]]);
    const stored = await storedRatings("s2");
    for (const e of current.entries) assert.equal(e.rating!.ordinal, stored[e.displayName], `${e.displayName}: the stored ordinal`);
    for (const e of current.entries) assert.equal(e.rating!.ordinal, e.rating!.mu - 3 * e.rating!.sigma);
  });

  it("keeps last season's boards as they were", async () => {
    const last = await board("by=rating&season=s1");
    assert.equal(last.season, "s1");
    assert.deepEqual(last.entries.map((e) => [e.displayName, e.rating?.matches]), [["ada", 4], ["bob", 4], ["cyd", 4]]);
    const stored = await storedRatings("s1");
    assert.deepEqual(Object.fromEntries(last.entries.map((e) => [e.displayName, e.rating!.ordinal])), stored);
    const totals = await board("by=total&season=s1");
    assert.deepEqual(totals.entries.map((e) => [e.displayName, e.matches]), [["ada", 4], ["bob", 4], ["cyd", 4]]);
    assert.deepEqual((await board("by=total")).entries.map((e) => [e.displayName, e.matches]), [["cyd", 2], ["bob", 2]], "a new season starts new boards");
    assert.deepEqual((await board("by=rating&season=s9")).entries, [], "a season nobody played is empty");
  });

  it("carries a player's rating into the new season with wider uncertainty when they come back", async () => {
    const [lastSeason] = (await board("by=rating&season=s1")).entries;
    await race("s2", [ada, bob]);
    const entry = (await board("by=rating")).entries.find((e) => e.displayName === "ada")!;
    assert.equal(entry.rating!.matches, 1);
    const [change] = await database.db.select().from(ratingChanges).where(and(eq(ratingChanges.playerId, ada), eq(ratingChanges.season, "s2")));
    const seed = seasonSeed({ mu: lastSeason!.rating!.mu, sigma: lastSeason!.rating!.sigma });
    assert.deepEqual({ mu: change!.muBefore, sigma: change!.sigmaBefore }, seed, "her first match this season started from last season's rating, widened");
    assert.ok(seed.mu > 25 && seed.sigma > lastSeason!.rating!.sigma);
    assert.deepEqual({ mu: entry.rating!.mu, sigma: entry.rating!.sigma }, { mu: change!.muAfter, sigma: change!.sigmaAfter });
  });
});
