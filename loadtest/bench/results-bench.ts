/**
 * Results written per second into PostgreSQL, through the same path a room uses: the results
 * writer (fsync'd journal, then batched idempotent transactions). Prints one JSON line.
 * Writes into a fresh scratch database (dropped afterwards), so that figures do not depend on
 * what earlier runs left behind; `--prefill=N` first stores N results to measure a used database.
 *
 *   npx tsx loadtest/bench/results-bench.ts [count] [--prefill=N]
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import postgres from "postgres";
import { openDatabase } from "../../server/src/persistence/database.js";
import type { MatchResult } from "../../server/src/persistence/match-result.js";
import { writeMatchResults } from "../../server/src/persistence/results-store.js";
import { ResultsWriter } from "../../server/src/persistence/results-writer.js";

/**
 * One input log shared by every result (each is serialized and stored in full all the same): a
 * server holds only the results of the matches that just ended, not thousands of input logs at once,
 * so neither should the benchmark's heap (its garbage collector would dominate the figures).
 */
const INPUT_LOG = Array.from({ length: 600 }, (_, i) => [i * 2, i % 8, 0.9, 0, false]);

/** A finished race of 8, with a realistic input log (about 60 s of inputs). */
function result(): MatchResult {
  const ended = new Date();
  return {
    matchId: randomUUID(),
    mode: "race",
    status: "completed",
    seed: 42,
    node: "bench",
    startedAt: new Date(ended.getTime() - 60_000).toISOString(),
    endedAt: ended.toISOString(),
    settings: { trackLength: 1000, lanes: 4, maxPlayers: 8, tickRateHz: 20 },
    replay: { slots: Array.from({ length: 8 }, (_, slot) => ({ slot, playerId: randomUUID() })), inputs: INPUT_LOG },
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

/** Busy CPU time of the whole machine so far, in ms (Linux /proc/stat; undefined elsewhere). */
function machineBusyMs(): number | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return ((total - idle) * 1000) / 100; // USER_HZ = 100 on Linux
  } catch {
    return undefined;
  }
}

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const count = Number(positional[0] ?? 5000);
const prefill = Number(process.argv.find((a) => a.startsWith("--prefill="))?.split("=")[1] ?? 0);
const logger = pino({ level: "silent" });

const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const scratchName = `arena_bench_${randomBytes(6).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${scratchName}`);
const scratchUrl = new URL(adminUrl);
scratchUrl.pathname = `/${scratchName}`;
const dropScratch = async () => {
  await admin.unsafe(`drop database if exists ${scratchName} with (force)`);
  await admin.end();
};
process.once("SIGINT", () => void dropScratch().finally(() => process.exit(130)));

// the scratch database goes away whatever happens in between
try {
  const database = await openDatabase({ databaseUrl: scratchUrl.toString(), dataDir: "", logger, poolSize: 10 });
  await database.migrate();
  for (let stored = 0; stored < prefill; stored += 500) {
    await writeMatchResults(database.db, Array.from({ length: Math.min(500, prefill - stored) }, result));
  }

  const results = Array.from({ length: count }, result);
  const writer = new ResultsWriter({
    write: (batch) => writeMatchResults(database.db, batch),
    journalPath: path.join(await mkdtemp(path.join(tmpdir(), "arena-bench-")), "journal.jsonl"),
    logger,
    ...(process.env.BENCH_CONCURRENCY ? { concurrency: Number(process.env.BENCH_CONCURRENCY) } : {}),
    ...(process.env.BENCH_BATCH ? { batchSize: Number(process.env.BENCH_BATCH) } : {}),
  });
  await writer.start();

  const busyBefore = machineBusyMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(results.map((r) => writer.submit(r)));
  const journaledMs = performance.now() - started;
  const left = await writer.flush(120_000);
  const seconds = (performance.now() - started) / 1000;
  const writerCpu = process.cpuUsage(cpuBefore);
  const writerCpuMs = (writerCpu.user + writerCpu.system) / 1000;
  const busyAfter = machineBusyMs();
  const machineCpuMs = busyBefore !== undefined && busyAfter !== undefined ? busyAfter - busyBefore : undefined;
  const written = count - left;
  console.log(
    JSON.stringify({
      scenario: "results-write",
      results: count,
      prefilled: prefill,
      participantsPerResult: 8,
      seconds: Math.round(seconds * 100) / 100,
      resultsPerSecond: Math.round(written / seconds),
      journaledPerSecond: Math.round(count / (journaledMs / 1000)),
      left,
      // where the CPU went: the writer process (journal, JSON, driver) and everything else on the
      // machine (PostgreSQL, the kernel's file and socket work), per result written
      writerCpuMsPerResult: Math.round((writerCpuMs / written) * 1000) / 1000,
      restOfMachineCpuMsPerResult: machineCpuMs !== undefined ? Math.round(((machineCpuMs - writerCpuMs) / written) * 1000) / 1000 : null,
      machineCpuPct: machineCpuMs !== undefined ? Math.round((machineCpuMs / (seconds * 1000 * cpus().length)) * 100) : null,
    }),
  );
  await writer.close();
  await database.close();
} finally {
  await dropScratch();
}
