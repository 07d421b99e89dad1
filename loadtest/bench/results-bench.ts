/**
 * Results written per second into PostgreSQL, through the same path a room uses: the results
 * writer (journal + idempotent transaction per match). Prints one JSON line.
 *
 *   npx tsx loadtest/bench/results-bench.ts [count]
 */
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { openDatabase } from "../../server/src/persistence/database.js";
import type { MatchResult } from "../../server/src/persistence/match-result.js";
import { writeMatchResults } from "../../server/src/persistence/results-store.js";
import { ResultsWriter } from "../../server/src/persistence/results-writer.js";

const count = Number(process.argv[2] ?? 5000);
const logger = pino({ level: "silent" });
const database = await openDatabase({
  databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  dataDir: "",
  logger,
  poolSize: 10,
});
await database.migrate();

/** A finished race of 8, with a realistic input log (about 60 s of inputs). */
function result(): MatchResult {
  const ended = new Date();
  const inputs = Array.from({ length: 600 }, (_, i) => [i * 2, i % 8, 0.9, 0, false]);
  return {
    matchId: randomUUID(),
    mode: "race",
    status: "completed",
    seed: 42,
    node: "bench",
    startedAt: new Date(ended.getTime() - 60_000).toISOString(),
    endedAt: ended.toISOString(),
    settings: { trackLength: 1000, lanes: 4, maxPlayers: 8, tickRateHz: 20 },
    replay: { slots: Array.from({ length: 8 }, (_, slot) => ({ slot, playerId: randomUUID() })), inputs },
    summary: { racers: 8 },
    participants: Array.from({ length: 8 }, (_, i) => ({
      playerId: randomUUID(),
      displayName: `racer-${i}`,
      isBot: false,
      placement: i + 1,
      score: (8 - i) * 100,
      finishTimeMs: 50_000 + i * 100,
      details: { slot: i, dnf: false },
    })),
  };
}

const results = Array.from({ length: count }, result);
const writer = new ResultsWriter({
  write: (batch) => writeMatchResults(database.db, batch),
  journalPath: path.join(await mkdtemp(path.join(tmpdir(), "arena-bench-")), "journal.jsonl"),
  logger,
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 4),
  batchSize: Number(process.env.BENCH_BATCH ?? 100),
});
await writer.start();
const started = performance.now();
await Promise.all(results.map((r) => writer.submit(r)));
const journaledMs = performance.now() - started;
const left = await writer.flush(120_000);
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    scenario: "results-write",
    results: count,
    participantsPerResult: 8,
    seconds: Math.round(seconds * 100) / 100,
    resultsPerSecond: Math.round((count - left) / seconds),
    journaledPerSecond: Math.round(count / (journaledMs / 1000)),
    left,
  }),
);
await writer.close();
await database.close();
