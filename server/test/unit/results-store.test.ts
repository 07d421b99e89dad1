import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { and, eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import type { MatchResult } from "../../src/persistence/match-result.js";
import { RatingConflict } from "../../src/persistence/ratings-store.js";
import { writeMatchResult, writeMatchResults } from "../../src/persistence/results-store.js";
import { INITIAL_RATING, ordinalOf, rateMatch, seasonSeed, type SkillRating } from "../../src/ratings/ratings.js";
import { quizAnswers, quizQuestions } from "../../src/modes/quiz/tables.js";
import { factionStandings } from "../../src/modes/war/tables.js";
import { matchParticipants, matches, playerRatings, playerStats, players, ratingChanges } from "../../src/persistence/schema.js";
import { raceResult, silentLogger } from "../support/fixtures.js";
import { TEST_DATABASE_URL, tempDir } from "../support/server-process.js";

const shortId = () => Math.random().toString(36).slice(2, 10);

/** One contract suite, run against every database the server supports. */
const backends: Array<{ name: string; open: () => Promise<Database> }> = [
  { name: "PostgreSQL", open: async () => openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "", logger: silentLogger }) },
  { name: "PGlite", open: async () => openDatabase({ databaseUrl: undefined, dataDir: await tempDir(), logger: silentLogger }) },
];

for (const backend of backends) {
  describe(`results store on ${backend.name}`, () => {
    let database: Database;

    before(async () => {
      database = await backend.open();
      await database.migrate();
      // a second migrate is a no-op
      await database.migrate();
    });
    after(async () => database.close());

    it("reports the schema as migrated and answers pings", async () => {
      await database.ping();
      assert.equal(await database.isMigrated(), true);
    });

    it("stores one finished race as one match row and one participant row per player", async () => {
      const result = raceResult(3);
      assert.equal(await writeMatchResult(database.db, result), "written");

      const matchRows = await database.db.select().from(matches).where(eq(matches.id, result.matchId));
      assert.equal(matchRows.length, 1);
      assert.equal(matchRows[0]!.mode, "race");
      assert.equal(matchRows[0]!.seed, result.seed);
      assert.deepEqual(matchRows[0]!.settings, result.settings);

      const rows = await database.db.select().from(matchParticipants).where(eq(matchParticipants.matchId, result.matchId));
      assert.equal(rows.length, 3);
      assert.deepEqual(
        rows.map((r) => [r.playerId, r.placement, r.score]).sort((a, b) => Number(a[1]) - Number(b[1])),
        result.participants.map((p) => [p.playerId, p.placement, p.score]),
      );
      const playerRows = await database.db
        .select()
        .from(players)
        .where(sql`${players.id} in ${result.participants.map((p) => p.playerId)}`);
      assert.equal(playerRows.length, 3);
    });

    it("changes nothing when the same result is written twice", async () => {
      const result = raceResult(2);
      assert.equal(await writeMatchResult(database.db, result), "written");
      assert.equal(await writeMatchResult(database.db, result), "duplicate");
      const matchRows = await database.db.select().from(matches).where(eq(matches.id, result.matchId));
      const rows = await database.db.select().from(matchParticipants).where(eq(matchParticipants.matchId, result.matchId));
      assert.equal(matchRows.length, 1);
      assert.equal(rows.length, 2);
    });

    it("writes nothing of a result whose participants cannot be stored (one transaction)", async () => {
      const result = raceResult(2);
      // the same player twice violates the participants' primary key after the match row went in
      result.participants[1]!.playerId = result.participants[0]!.playerId;
      await assert.rejects(writeMatchResult(database.db, result));
      const matchRows = await database.db.select().from(matches).where(eq(matches.id, result.matchId));
      assert.equal(matchRows.length, 0);
    });

    it("stores quiz answers and faction standings with the match, and applies reputation once", async () => {
      const questionId = `test-q-${shortId()}`;
      await database.db
        .insert(quizQuestions)
        .values({ id: questionId, category: "test", kind: "choice", prompt: "2 + 2?", options: ["3", "4"], correctIndex: 1 })
        .onConflictDoNothing();
      const result = raceResult(2, { mode: "war" });
      result.participants[0]!.reputationDelta = 25;
      result.participants[1]!.reputationDelta = -10;
      const quizAnswerRows = result.participants.map((p, i) => ({
        playerId: p.playerId,
        round: 1,
        questionId,
        answer: i,
        correct: i === 1,
        responseTimeMs: 1200 + i,
        points: i === 1 ? 150 : 0,
      }));
      result.rows = {
        quiz_answers: quizAnswerRows,
        faction_standings: [
          { faction: "red", placement: 1, score: 300, details: { zones: 3 } },
          { faction: "blue", placement: 2, score: 120, details: { zones: 1 } },
        ],
      };
      assert.equal(await writeMatchResult(database.db, result), "written");
      assert.equal(await writeMatchResult(database.db, result), "duplicate");

      const answers = await database.db.select().from(quizAnswers).where(eq(quizAnswers.matchId, result.matchId));
      assert.equal(answers.length, 2);
      const standings = await database.db.select().from(factionStandings).where(eq(factionStandings.matchId, result.matchId));
      assert.deepEqual(standings.map((s) => [s.faction, s.placement]).sort(), [["blue", 2], ["red", 1]]);
      const [winner] = await database.db.select().from(players).where(eq(players.id, result.participants[0]!.playerId));
      const [loser] = await database.db.select().from(players).where(eq(players.id, result.participants[1]!.playerId));
      assert.equal(winner!.reputation, 25, "applied once although written twice");
      assert.equal(loser!.reputation, 0, "reputation never goes below zero");
    });

    it("keeps a returning player's row and updates the display name", async () => {
      const first = raceResult(2);
      const second = raceResult(2);
      second.participants[0]!.playerId = first.participants[0]!.playerId;
      second.participants[0]!.displayName = "renamed";
      await writeMatchResult(database.db, first);
      await writeMatchResult(database.db, second);
      const rows = await database.db.select().from(players).where(eq(players.id, first.participants[0]!.playerId));
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.displayName, "renamed");
    });

    /** A player's stored rating in a mode and season, or undefined. */
    const storedRating = async (playerId: string, season: string, mode = "race") => {
      const [row] = await database.db
        .select()
        .from(playerRatings)
        .where(and(eq(playerRatings.playerId, playerId), eq(playerRatings.mode, mode), eq(playerRatings.season, season)));
      return row;
    };
    const changesOf = async (matchId: string) => database.db.select().from(ratingChanges).where(eq(ratingChanges.matchId, matchId));
    const inSeason = (season: string, players = 2, overrides: Partial<MatchResult> = {}) => raceResult(players, { season, ...overrides });
    /** What the pure update gives for a sequence of matches from fresh ratings, applied in order. */
    const expected = (results: MatchResult[]) => {
      const ratings = new Map<string, SkillRating>();
      for (const r of results) {
        const standings = r.participants.map((p) => ({ ...p, leftEarly: p.leftEarly ?? false }));
        for (const c of rateMatch({ status: r.status, standings }, (id) => ratings.get(id) ?? { ...INITIAL_RATING })) ratings.set(c.playerId, c.after);
      }
      return ratings;
    };

    it("rates a batch's matches once although the batch is written twice, in the batch's order", async () => {
      const season = `t-${shortId()}`;
      const first = inSeason(season, 3);
      const second = inSeason(season, 2);
      // the winner of the first match loses the second
      second.participants[1]!.playerId = first.participants[0]!.playerId;
      const batch = [first, second];
      const outcomes = await writeMatchResults(database.db, batch);
      assert.deepEqual([...outcomes.values()], ["written", "written"]);
      const again = await writeMatchResults(database.db, batch);
      assert.deepEqual([...again.values()], ["duplicate", "duplicate"]);

      const want = expected(batch);
      const twice = first.participants[0]!.playerId;
      for (const [playerId, rating] of want) {
        const row = await storedRating(playerId, season);
        assert.ok(row, `a rating for ${playerId}`);
        assert.deepEqual({ mu: row.mu, sigma: row.sigma }, rating, "stored to the last bit");
        assert.equal(row.ordinal, ordinalOf(rating));
        assert.equal(row.matches, playerId === twice ? 2 : 1, "counted once per match");
      }
      const [firstChange] = (await changesOf(first.matchId)).filter((c) => c.playerId === twice);
      const [secondChange] = (await changesOf(second.matchId)).filter((c) => c.playerId === twice);
      assert.deepEqual([secondChange!.muBefore, secondChange!.sigmaBefore], [firstChange!.muAfter, firstChange!.sigmaAfter], "the second match starts where the first ended");
      assert.equal((await changesOf(first.matchId)).length, 3);
    });

    it("leaves no rating behind when a batch fails, and rates each match once when it is retried", async () => {
      const season = `t-${shortId()}`;
      const good = inSeason(season, 2);
      const bad = inSeason(season, 2);
      bad.participants[0]!.playerId = good.participants[1]!.playerId;
      const duplicateId = bad.participants[0]!.playerId;
      bad.participants[1]!.playerId = duplicateId; // the same player twice: the participants insert fails
      await assert.rejects(writeMatchResults(database.db, [good, bad]));
      assert.equal(await storedRating(good.participants[0]!.playerId, season), undefined, "rolled back with the batch");
      assert.equal((await changesOf(good.matchId)).length, 0);

      // the writer retries the batch; one retry's reply is lost, so it comes a third time
      bad.participants[1]!.playerId = randomUUID();
      assert.deepEqual([...(await writeMatchResults(database.db, [good, bad])).values()], ["written", "written"]);
      assert.deepEqual([...(await writeMatchResults(database.db, [good, bad])).values()], ["duplicate", "duplicate"]);
      for (const [playerId, rating] of expected([good, bad])) {
        const row = await storedRating(playerId, season);
        assert.deepEqual({ mu: row!.mu, sigma: row!.sigma, matches: row!.matches }, { ...rating, matches: playerId === duplicateId ? 2 : 1 });
      }
    });

    it("never loses an update when batches of the same players are written at the same time", async () => {
      const season = `t-${shortId()}`;
      const pair = inSeason(season, 2).participants;
      const results = Array.from({ length: 6 }, (_, i) => {
        const r = inSeason(season, 2);
        // the two players take turns winning
        r.participants = [pair[i % 2]!, pair[(i + 1) % 2]!].map((p, placement) => ({ ...p, placement: placement + 1 }));
        return r;
      });
      await Promise.all(results.map((r) => writeMatchResults(database.db, [r])));
      for (const p of pair) {
        const changes = (await Promise.all(results.map((r) => changesOf(r.matchId)))).flat().filter((c) => c.playerId === p.playerId);
        assert.equal(changes.length, 6);
        // each match started from the one before it: the befores and afters form one chain
        const afters = new Set(changes.map((c) => `${c.muAfter}/${c.sigmaAfter}`));
        const starts = changes.filter((c) => !afters.has(`${c.muBefore}/${c.sigmaBefore}`));
        assert.equal(starts.length, 1, "one chain from the initial rating");
        assert.equal(new Set(changes.map((c) => `${c.muBefore}/${c.sigmaBefore}`)).size, 6, "no two matches read the same rating");
        const row = await storedRating(p.playerId, season);
        assert.equal(row!.matches, 6);
        const befores = new Set(changes.map((c) => `${c.muBefore}/${c.sigmaBefore}`));
        const last = changes.find((c) => !befores.has(`${c.muAfter}/${c.sigmaAfter}`));
        assert.deepEqual({ mu: row!.mu, sigma: row!.sigma }, { mu: last!.muAfter, sigma: last!.sigmaAfter });
      }
    });

    if (backend.name === "PostgreSQL") {
      it("fails the whole batch when a concurrent one rated the same newcomer first, and its retry starts from that rating", async () => {
        const season = `t-${shortId()}`;
        const result = inSeason(season, 2);
        const newcomer = result.participants[0]!;
        const other = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
        try {
          await other`insert into players (id, display_name) values (${newcomer.playerId}, ${newcomer.displayName})`;
          await other`insert into seasons (id) values (${season})`;
          const concurrent = { mu: 30, sigma: 6 };
          // another writer has rated the newcomer and not committed yet when this batch runs
          let release!: () => void;
          const committed = other.begin(async (tx) => {
            await tx`insert into player_ratings (player_id, mode, season, mu, sigma, ordinal, matches)
                     values (${newcomer.playerId}, 'race', ${season}, ${concurrent.mu}, ${concurrent.sigma}, 12, 1)`;
            await new Promise<void>((resolve) => (release = resolve));
          });
          await new Promise((r) => setTimeout(r, 100));
          // the rejection is awaited from the start: it may come while this test still waits for the other commit
          const refused = assert.rejects(writeMatchResults(database.db, [result]), (error: Error) => error.cause instanceof RatingConflict || error instanceof RatingConflict);
          await new Promise((r) => setTimeout(r, 300));
          release();
          await committed;
          await refused;
          assert.deepEqual(await database.db.select().from(matches).where(eq(matches.id, result.matchId)), [], "the batch rolled back");

          assert.deepEqual([...(await writeMatchResults(database.db, [result])).values()], ["written"]);
          const [change] = (await changesOf(result.matchId)).filter((c) => c.playerId === newcomer.playerId);
          assert.deepEqual({ mu: change!.muBefore, sigma: change!.sigmaBefore }, concurrent, "the retry rated on top of the other writer's rating");
          assert.equal((await storedRating(newcomer.playerId, season))!.matches, 2);
        } finally {
          await other.end();
        }
      });
    }

    it("changes no rating for bots, a lone human among bots, or an aborted match", async () => {
      const season = `t-${shortId()}`;
      const lone = inSeason(season, 3);
      lone.participants[1]!.isBot = true;
      lone.participants[2]!.isBot = true;
      const aborted = inSeason(season, 2, { status: "aborted" });
      const withBot = inSeason(season, 3);
      withBot.participants[0]!.isBot = true;
      await writeMatchResults(database.db, [lone, aborted, withBot]);
      assert.equal(await storedRating(lone.participants[0]!.playerId, season), undefined);
      for (const p of aborted.participants) assert.equal(await storedRating(p.playerId, season), undefined);
      assert.equal(await storedRating(withBot.participants[0]!.playerId, season), undefined, "a bot has no rating");
      assert.deepEqual((await changesOf(withBot.matchId)).map((c) => c.playerId).sort(), [withBot.participants[1]!.playerId, withBot.participants[2]!.playerId].sort());
    });

    it("starts a new season from the last one's rating with sigma widened, and keeps the old season", async () => {
      const [old, next] = [`t-${shortId()}`, `t-${shortId()}`];
      const played = [inSeason(old, 2), inSeason(old, 2)];
      played[1]!.participants = played[0]!.participants.map((p) => ({ ...p }));
      await writeMatchResults(database.db, played);
      const winner = played[0]!.participants[0]!.playerId;
      const before = await storedRating(winner, old);

      const fresh = inSeason(next, 2);
      fresh.participants[1]!.playerId = winner;
      await writeMatchResult(database.db, fresh);
      const [change] = (await changesOf(fresh.matchId)).filter((c) => c.playerId === winner);
      const seed = seasonSeed({ mu: before!.mu, sigma: before!.sigma });
      assert.deepEqual({ mu: change!.muBefore, sigma: change!.sigmaBefore }, seed, "seeded from the last season");
      assert.ok(seed.sigma > before!.sigma);
      const newcomer = (await changesOf(fresh.matchId)).find((c) => c.playerId !== winner);
      assert.deepEqual({ mu: newcomer!.muBefore, sigma: newcomer!.sigmaBefore }, INITIAL_RATING, "a newcomer starts fresh");
      assert.deepEqual(await storedRating(winner, old), before, "the old season's rating stays as it was");
      assert.equal((await storedRating(winner, next))!.matches, 1);

      const stats = await database.db.select().from(playerStats).where(eq(playerStats.playerId, winner));
      assert.deepEqual(stats.map((s) => [s.season, s.matches]).sort(), [[next, 1], [old, 2]].sort(), "one board row per season");
    });
  });
}
