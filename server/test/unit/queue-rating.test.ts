import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import postgres from "postgres";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { queueRating } from "../../src/queue/queue-rating.js";
import { ordinalOf, seasonSeed } from "../../src/ratings/ratings.js";
import { silentLogger } from "../support/fixtures.js";
import { createScratchDatabase } from "../support/scratch-database.js";

/** The rating a player queues with, read from player_ratings in a scratch PostgreSQL database. */
describe("queue rating (PostgreSQL)", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let database: Database;
  let sql: postgres.Sql;
  const [settled, returning, newcomer] = [randomUUID(), randomUUID(), randomUUID()];

  before(async () => {
    scratch = await createScratchDatabase();
    database = await openDatabase({ databaseUrl: scratch.url, dataDir: "", logger: silentLogger });
    await database.migrate();
    sql = postgres(scratch.url, { max: 1, onnotice: () => {} });
    await sql`insert into seasons (id, started_at) values ('s1', now() - interval '30 days'), ('s2', now()) on conflict (id) do update set started_at = excluded.started_at`;
    await sql`insert into players ${sql([settled, returning, newcomer].map((id) => ({ id, display_name: id.slice(0, 8) })))}`;
    await sql`insert into player_ratings ${sql([
      { player_id: settled, mode: "war", season: "s2", mu: 30, sigma: 2, ordinal: 24, matches: 9 },
      { player_id: settled, mode: "war", season: "s1", mu: 10, sigma: 2, ordinal: 4, matches: 9 },
      { player_id: settled, mode: "race", season: "s2", mu: 20, sigma: 3, ordinal: 11, matches: 9 },
      { player_id: returning, mode: "war", season: "s1", mu: 32, sigma: 1.9, ordinal: 26.3, matches: 40 },
    ])}`;
  });
  after(async () => {
    await sql?.end();
    await database?.close();
    await scratch?.drop();
  });

  it("is the player's ordinal in the mode and the current season", async () => {
    assert.equal(await queueRating(database.db, settled, "war", "s2"), 24);
    assert.equal(await queueRating(database.db, settled, "race", "s2"), 11, "per mode");
    assert.equal(await queueRating(database.db, settled, "war", "s1"), 4, "per season");
  });

  it("for a player new to the season, the last season's rating as it will be seeded", async () => {
    const expected = ordinalOf(seasonSeed({ mu: 32, sigma: 1.9 }));
    assert.ok(Math.abs((await queueRating(database.db, returning, "war", "s2")) - expected) < 1e-9);
    assert.ok(expected < 26.3, "widened: lower than the settled ordinal");
  });

  it("for a newcomer (or a mode never played), the default ordinal 0", async () => {
    assert.equal(await queueRating(database.db, newcomer, "war", "s2"), 0);
    assert.equal(await queueRating(database.db, returning, "dice", "s2"), 0);
    assert.equal(await queueRating(database.db, settled, "war", "s3"), ordinalOf(seasonSeed({ mu: 30, sigma: 2 })), "a season not started yet: seeded from the latest one");
  });
});
