import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Database } from "../src/persistence/database.js";
import { writeMatchResult } from "../src/persistence/results-store.js";
import { matchParticipants, matches, players } from "../src/persistence/schema.js";
import { raceResult, silentLogger } from "./support/fixtures.js";
import { TEST_DATABASE_URL, tempDir } from "./support/server-process.js";

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
