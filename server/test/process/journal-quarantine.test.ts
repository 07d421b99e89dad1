import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { inArray } from "drizzle-orm";
import { QUARANTINE_FILE } from "../../src/persistence/quarantine.js";
import { JOURNAL_FILE } from "../../src/persistence/results-writer.js";
import { matches } from "../../src/persistence/schema.js";
import { resultsDatabase } from "../support/chaos.js";
import { raceResult } from "../support/fixtures.js";
import { REPO_ROOT, startServer, tempDir } from "../support/server-process.js";

const put = (result: unknown) => JSON.stringify({ op: "put", result });

/** `npm run results -- <args>`, as an operator runs it on the node (built code, the node's environment). */
function resultsCli(env: Record<string, string>, ...args: string[]) {
  const run = spawnSync(process.execPath, ["server/dist/results-cli.js", ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return Number(line?.split(" ")[1]);
}

describe("journal quarantine on a real node and the results CLI", () => {
  let results: Awaited<ReturnType<typeof resultsDatabase>>;

  before(async () => {
    results = await resultsDatabase();
  });
  after(async () => {
    await results?.close();
  });

  it("a corrupted line and an entry of an older shape are quarantined, not lost; the others are written; an operator retries after a fix", async () => {
    const dataDir = await tempDir();
    const good = [raceResult(), raceResult()];
    const { seed: _seed, node: _node, ...older } = raceResult();
    const corrupted = put(raceResult()).slice(0, 120);
    await writeFile(path.join(dataDir, JOURNAL_FILE), [put(good[0]), corrupted, put(older), put(good[1])].join("\n") + "\n");
    const env = { DATA_DIR: dataDir, DATABASE_URL: results.url };

    const server = await startServer({ env });
    const ids = [good[0]!.matchId, good[1]!.matchId, older.matchId];
    try {
      for (const { matchId } of good) await server.waitForLog((l) => l.msg === "match result stored" && l.matchId === matchId, 15_000);
      const quarantined = server.logs.filter((l) => l.msg?.startsWith("journal entry quarantined") === true);
      assert.equal(quarantined.length, 2);
      assert.ok(quarantined.every((l) => l.level === "error"));
      assert.deepEqual(quarantined.map((l) => l.matchId).filter(Boolean), [older.matchId]);
      assert.equal(await metric(server.url, "arena_results_quarantined_total"), 2);
      assert.equal(await metric(server.url, "arena_results_quarantine_depth"), 2);
    } finally {
      await server.stop();
    }
    const storedIds = async () => (await results.db.db.select({ id: matches.id }).from(matches).where(inArray(matches.id, ids))).map((r) => r.id).sort();
    assert.deepEqual(await storedIds(), [good[0]!.matchId, good[1]!.matchId].sort());

    // the operator lists the quarantine, and a retry before any fix changes nothing
    const listed = resultsCli(env, "quarantine");
    assert.equal(listed.status, 0, listed.out);
    assert.match(listed.out, new RegExp(`match ${older.matchId}  fails the result contract: .*seed`));
    assert.match(listed.out, /match -  not JSON/);
    const early = resultsCli(env, "retry", "all");
    assert.equal(early.status, 1, early.out);
    assert.match(early.out, /still quarantined/);
    assert.deepEqual(await storedIds(), [good[0]!.matchId, good[1]!.matchId].sort());
    assert.equal(resultsCli(env, "retry", "no-such-entry").status, 2);

    // the fix: the operator completes the old entry in the quarantine file (here: the fields it lacked)
    const file = path.join(dataDir, QUARANTINE_FILE);
    const fixedRaw = put({ ...older, seed: 1, node: "restored-by-operator" });
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace(JSON.stringify(put(older)), JSON.stringify(fixedRaw)));
    const retried = resultsCli(env, "retry", older.matchId);
    assert.equal(retried.status, 0, retried.out);
    assert.match(retried.out, new RegExp(`match ${older.matchId}: written`));
    assert.deepEqual(await storedIds(), ids.sort());
    const after = resultsCli(env, "quarantine");
    assert.doesNotMatch(after.out, new RegExp(older.matchId));
    assert.match(after.out, /not JSON/, "the corrupted line stays until someone deals with it");
    const shown = resultsCli(env, "show", after.out.split(/\s+/)[0]!);
    assert.equal(shown.out.trim(), corrupted);

    // a restart neither quarantines again nor writes twice
    const again = await startServer({ env });
    try {
      assert.equal(await metric(again.url, "arena_results_quarantine_depth"), 1);
      assert.equal(await metric(again.url, "arena_results_quarantined_total"), 0);
    } finally {
      await again.stop();
    }
    assert.deepEqual(await storedIds(), ids.sort());
  });
});
