import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { writeMatchResult } from "../../src/persistence/results-store.js";
import { quizAnswers, quizQuestions } from "../../src/modes/quiz/tables.js";
import { factionStandings } from "../../src/modes/war/tables.js";
import { matchParticipants, matches, players } from "../../src/persistence/schema.js";
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
  });
}
