import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { inArray } from "drizzle-orm";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import type { MatchResult } from "../../src/persistence/match-result.js";
import { writeMatchResults } from "../../src/persistence/results-store.js";
import { ResultsWriter } from "../../src/persistence/results-writer.js";
import { matches } from "../../src/persistence/schema.js";
import { raceResult, silentLogger } from "../support/fixtures.js";
import { TEST_DATABASE_URL, tempDir } from "../support/server-process.js";

/** Nothing listens on port 1: connections are refused at once, like a database that is down. */
const REFUSING_URL = "postgres://postgres@127.0.0.1:1/test";

describe("results writer on real PostgreSQL (journal and retries)", () => {
  let live: Database;
  let dead: Database;

  before(async () => {
    live = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "", logger: silentLogger });
    await live.migrate();
    dead = await openDatabase({ databaseUrl: REFUSING_URL, dataDir: "", logger: silentLogger });
  });
  after(async () => {
    await live.close();
    await dead.close();
  });

  /** A write path that can be pointed at the refusing port and back at the live database. */
  function switchable() {
    let target = dead;
    return {
      up: () => (target = live),
      write: (batch: MatchResult[]) => writeMatchResults(target.db, batch),
    };
  }

  async function storedCount(ids: string[]): Promise<number> {
    return (await live.db.select({ id: matches.id }).from(matches).where(inArray(matches.id, ids))).length;
  }

  it("keeps results while the database is down and writes each exactly once when it returns", async () => {
    const db = switchable();
    const writer = new ResultsWriter({ write: db.write, journalPath: path.join(await tempDir(), "journal.jsonl"), logger: silentLogger, retryBaseMs: 20, retryMaxMs: 100 });
    await writer.start();
    const results = [raceResult(), raceResult(), raceResult()];
    for (const r of results) await writer.submit(r);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(writer.depth, 3);
    assert.ok(writer.retries > 0);
    assert.equal(await storedCount(results.map((r) => r.matchId)), 0);

    db.up();
    assert.equal(await writer.flush(10_000), 0);
    assert.equal(await storedCount(results.map((r) => r.matchId)), 3);
    await writer.close();
  });

  it("a new writer on the same journal drains what the previous one never wrote, exactly once", async () => {
    const journalPath = path.join(await tempDir(), "journal.jsonl");
    const first = new ResultsWriter({ write: switchable().write, journalPath, logger: silentLogger, retryBaseMs: 10_000 });
    await first.start();
    const lost = raceResult();
    await first.submit(lost);
    // the process "dies" here: nothing reached the database, the journal holds the result
    assert.match(await readFile(journalPath, "utf8"), new RegExp(lost.matchId));

    const db = switchable();
    db.up();
    const second = new ResultsWriter({ write: db.write, journalPath, logger: silentLogger });
    assert.equal(await second.start(), 1);
    assert.equal(await second.flush(10_000), 0);
    assert.equal(await storedCount([lost.matchId]), 1);
    await second.close();
    await first.close();

    // everything is written: a restart finds nothing to do
    const third = new ResultsWriter({ write: db.write, journalPath, logger: silentLogger });
    assert.equal(await third.start(), 0);
    await third.close();
  });

  it("refuses a malformed result instead of journaling it", async () => {
    const writer = new ResultsWriter({ write: switchable().write, journalPath: path.join(await tempDir(), "j.jsonl"), logger: silentLogger });
    await writer.start();
    await assert.rejects(writer.submit({ ...raceResult(), matchId: "not-a-uuid" }));
    assert.equal(writer.depth, 0);
    await writer.close();
  });
});
