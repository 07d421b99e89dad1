import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { inArray } from "drizzle-orm";
import type { MatchResult } from "../../src/persistence/match-result.js";
import { Quarantine, quarantineBeside } from "../../src/persistence/quarantine.js";
import { writeMatchResults } from "../../src/persistence/results-store.js";
import { ResultsWriter } from "../../src/persistence/results-writer.js";
import { matches } from "../../src/persistence/schema.js";
import { resultsDatabase } from "../support/chaos.js";
import { raceResult, silentLogger } from "../support/fixtures.js";
import { tempDir } from "../support/server-process.js";

const put = (result: unknown) => JSON.stringify({ op: "put", result });
const done = (matchId: string) => JSON.stringify({ op: "done", matchId });

/** A result as an older build journaled it: before `seed` and `node` were part of the contract. */
function olderShape(): { matchId: string; line: string } {
  const { seed: _seed, node: _node, ...old } = raceResult();
  return { matchId: old.matchId, line: put(old) };
}

describe("results journal: unreadable and invalid entries go to the quarantine, never away", () => {
  let scratch: Awaited<ReturnType<typeof resultsDatabase>>;

  before(async () => {
    scratch = await resultsDatabase();
  });
  after(async () => {
    await scratch?.close();
  });

  const stored = async (ids: string[]) => (await scratch.db.db.select({ id: matches.id }).from(matches).where(inArray(matches.id, ids))).map((r) => r.id).sort();

  async function writerOn(journalPath: string, quarantined: number[] = []) {
    return new ResultsWriter({
      write: (batch: MatchResult[]) => writeMatchResults(scratch.db.db, batch),
      journalPath,
      logger: silentLogger,
      onQuarantined: (count) => quarantined.push(count),
    });
  }

  it("writes the good entries, quarantines a corrupted line and an entry of an older shape, and keeps the journal honest", async () => {
    const journalPath = path.join(await tempDir(), "results-journal.jsonl");
    const good = raceResult();
    const older = olderShape();
    const corrupted = put(raceResult()).slice(0, 80);
    // invalid by today's contract, but a later line says it was written: nothing to do
    const writtenLongAgo = olderShape();
    const lines = [put(good), corrupted, older.line, writtenLongAgo.line, done(writtenLongAgo.matchId)];
    await writeFile(journalPath, lines.join("\n") + "\n");

    const counted: number[] = [];
    const writer = await writerOn(journalPath, counted);
    assert.equal(await writer.start(), 1, "one result to write");
    assert.equal(await writer.flush(10_000), 0);
    assert.deepEqual(await stored([good.matchId, older.matchId, writtenLongAgo.matchId]), [good.matchId]);
    assert.deepEqual(counted, [2]);
    assert.equal(await writer.quarantineDepth(), 2);
    await writer.close();

    const { entries } = await new Quarantine(quarantineBeside(journalPath)).read();
    assert.deepEqual(entries.map((e) => e.raw).sort(), [corrupted, older.line].sort(), "the lines exactly as they were");
    const olderEntry = entries.find((e) => e.raw === older.line)!;
    assert.equal(olderEntry.matchId, older.matchId);
    assert.match(olderEntry.reason, /fails the result contract: .*seed/);
    assert.match(entries.find((e) => e.raw === corrupted)!.reason, /not JSON/);
    assert.ok(!(await readFile(journalPath, "utf8")).includes(older.matchId), "the journal no longer holds what the quarantine holds");
  });

  it("a crash between quarantining and rewriting the journal quarantines nothing twice", async () => {
    const journalPath = path.join(await tempDir(), "results-journal.jsonl");
    const older = olderShape();
    await writeFile(journalPath, `${older.line}\n`);
    const quarantine = new Quarantine(quarantineBeside(journalPath));
    // the first start quarantined the entry, then died before it rewrote the journal
    await quarantine.add([{ raw: older.line, reason: "fails the result contract" }]);
    const counted: number[] = [];
    const writer = await writerOn(journalPath, counted);
    await writer.start();
    await writer.close();
    assert.deepEqual(counted, [], "nothing new");
    assert.equal((await quarantine.read()).entries.length, 1);
  });

  it("an entry resolved by a retry leaves the list; the file keeps every line it ever had", async () => {
    const file = path.join(await tempDir(), "results-quarantine.jsonl");
    const quarantine = new Quarantine(file);
    const [first, second] = await quarantine.add([
      { raw: "{broken", reason: "not JSON" },
      { raw: olderShape().line, reason: "fails the result contract" },
    ]);
    await quarantine.resolve(second!.id, "written");
    assert.deepEqual((await quarantine.read()).entries.map((e) => e.id), [first!.id]);
    assert.equal((await readFile(file, "utf8")).trim().split("\n").length, 3, "append-only: two entries and one resolution");
  });
});
