import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import postgres from "postgres";
import { LeaderboardQuery } from "@arena/shared";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { leaderboardQuery } from "../../src/persistence/queries.js";
import { writeMatchResults } from "../../src/persistence/results-store.js";
import { raceResult, silentLogger } from "../support/fixtures.js";
import { createScratchDatabase } from "../support/scratch-database.js";

/** A page of every board is an index range read: the plan reads the board's index in order and sorts nothing. */
describe("leaderboard pages read through an index (PostgreSQL plans)", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let database: Database;
  let client: postgres.Sql;

  before(async () => {
    scratch = await createScratchDatabase();
    database = await openDatabase({ databaseUrl: scratch.url, dataDir: "", logger: silentLogger });
    await database.migrate();
    await writeMatchResults(database.db, Array.from({ length: 40 }, (_, i) => raceResult(3, { season: i % 2 === 0 ? "s1" : "s2" })));
    client = postgres(scratch.url, { max: 1, onnotice: () => {} });
    await client.unsafe("analyze");
    // the tables are small, so the planner would scan and sort them whole: rule out everything but
    // ordered index scans, and a Sort left in the plan means no index gives the board's order
    for (const setting of ["seqscan", "bitmapscan", "hashjoin", "mergejoin", "sort"]) await client.unsafe(`set enable_${setting} = off`);
  });
  after(async () => {
    await client?.end();
    await database?.close();
    await scratch?.drop();
  });

  const boards: Array<[string, string]> = [
    ["rating", "player_ratings_board_idx"],
    ["total", "player_stats_mode_total_idx"],
    ["best", "player_stats_mode_best_idx"],
    ["wins", "player_stats_mode_wins_idx"],
  ];
  for (const [by, index] of boards) {
    it(`by=${by}&season=s2 scans ${index} and sorts nothing`, async () => {
      const query = LeaderboardQuery.parse({ by, season: "s2", limit: "20", offset: "20" });
      const { sql, params } = leaderboardQuery(database.db, "race", "s2", query).toSQL();
      const plan = (await client.unsafe(`explain ${sql}`, params as never[])).map((row) => String(row["QUERY PLAN"])).join("\n");
      assert.match(plan, new RegExp(`Index Scan using ${index}`), plan);
      assert.doesNotMatch(plan, /\bSort\b/, plan);
    });
  }
});
