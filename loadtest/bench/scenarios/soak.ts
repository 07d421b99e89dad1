/**
 * The soak: two arena nodes on a Redis and a PostgreSQL database of their own, races and quizzes
 * starting and ending all the time (players leave when their match ended, or early, and new ones
 * join), for 30 minutes (`--soak-minutes=`). Every 10 s: each node's RSS, heap used after a full GC
 * and loop-lag p99, Redis used_memory and key count. Flatness is the least-squares slope over the
 * second half, per hour. At the end the load stops and the Redis keys still there once every room
 * has closed are listed (a presence leak shows as keys that outlive their rooms).
 * Writes loadtest/results/soak.json (soak-smoke.json with --smoke) and, for a full run, docs/bench/soak.svg.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BenchCluster, backendCpuDeltaMs, keyPatterns, machineCpu, redisDelta, slope } from "../cluster-bench.js";
import { ROOT, args, mean, percentile, round, sleep, smoke, LoadGenerator, type Probe } from "../harness.js";
import type { Churn } from "../load-worker.js";
import { soakSvg } from "../svg-plot.js";

/**
 * Players on the two nodes together: 80 % of the 400 that two nodes and the load generators held on
 * this machine with the loop-lag p99 about the 20 ms limit (BENCHMARKS.md, "Soak"); `--soak-clients=` to change.
 */
const DEFAULT_CLIENTS = 320;
/** Races take this share of the players, quizzes the rest. */
const RACE_SHARE = 0.75;
const MB = 2 ** 20;

/** Matches short enough that many end and start during the run. */
export const SOAK_ENV: Record<string, string> = {
  POST_MATCH_LINGER_MS: "2000",
  RACE_LOBBY_TIMEOUT_MS: "3000",
  QUIZ_ANSWER_WINDOW_MS: "5000",
  QUIZ_REVEAL_MS: "1000",
  RECONNECT_WINDOW_S: "5",
};
export const SOAK_RACE = { maxPlayers: 8, trackLength: 1000 };
export const SOAK_QUIZ = { minPlayers: 2, maxPlayers: 4, rounds: 3 };
const CHURN: Churn = { leaveAfterFinishMs: 1500, earlyLeaveShare: 0.002 };

interface NodeSample {
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  lagP99Ms: number;
  cpuPct: number;
}

interface Sample {
  minutes: number;
  clients: number;
  /** Busy share of both cores (100 = the whole machine), and the load generators' CPU (% of a core). */
  machineCpuPct: number;
  loadCpuPct: number;
  nodes: NodeSample[];
  redis: { usedMemoryMb: number; keys: number; commandsPerSec: number };
  results: number;
  leftFinished: number;
  leftEarly: number;
  joinFailures: number;
  joinErrors: string[];
}

/**
 * `--before-dist=<another build's server/dist/main.js>` soaks that build first, then this one, each
 * for `--soak-minutes=` (the first one's file gets `-before` in its name).
 */
export async function soak() {
  // `--soak-name=soak-check`: a short run of its own (soak-check.json) that leaves the soak's file and plot alone
  const name = args.get("soak-name") ?? (smoke ? "soak-smoke" : "soak");
  const before = args.get("before-dist");
  if (!before) return soakBuild(name);
  const beforeRun = await soakBuild(`${name}-before`, before);
  const thisRun = await soakBuild(name);
  return { before: beforeRun.summary, summary: thisRun.summary };
}

async function soakBuild(name: string, script?: string) {
  const minutes = Number(args.get("soak-minutes") ?? (smoke ? 20 / 60 : 30));
  const clients = Number(args.get("soak-clients") ?? (smoke ? 40 : DEFAULT_CLIENTS));
  const sampleMs = Number(args.get("soak-sample-ms") ?? (smoke ? 2000 : 10_000));
  const cluster = await BenchCluster.start({ nodes: 2, env: SOAK_ENV, nodeFlags: ["--expose-gc"], ...(script ? { script } : {}) });
  const common = { url: cluster.urls[0]!, urls: cluster.urls, inputsPerSecond: 10, joinConcurrency: 20, churn: CHURN };
  const racers = Math.round(clients * RACE_SHARE);
  // the load generators share the machine with the nodes (unpinned), as players would
  const race = new LoadGenerator({ ...common, mode: "race", options: SOAK_RACE }, null);
  const quiz = new LoadGenerator({ ...common, mode: "quiz", options: SOAK_QUIZ }, null);
  const samples: Sample[] = [];
  const keysAtStart = cluster.redisKeyCount();
  try {
    await Promise.all([race.scaleTo(racers), quiz.scaleTo(clients - racers)]);
    const redisFrom = cluster.redisCounters();
    const pgFrom = await cluster.postgresCounters();
    const resultsFrom = pgFrom.results;
    const started = Date.now();
    let probesFrom = cluster.nodes.map((n) => n.probes.length);
    let statsFrom = [race.stats.length, quiz.stats.length];
    /** Every join's time (matchmaking to first state) after the ramp. */
    const joinMs: number[] = [];
    let commandsBefore = redisFrom.commands;
    let sampledAt = started;
    let cpuBefore = machineCpu();
    while (Date.now() - started < minutes * 60_000) {
      await sleep(sampleMs);
      const nodes: NodeSample[] = [];
      for (const [i, node] of cluster.nodes.entries()) {
        const memory = await node.memory();
        const probes: Probe[] = node.probes.slice(probesFrom[i]);
        nodes.push({
          rssMb: round(memory.rssBytes / MB),
          heapUsedMb: round(memory.heapUsedBytes / MB),
          externalMb: round(memory.externalBytes / MB),
          arrayBuffersMb: round(memory.arrayBuffersBytes / MB),
          lagP99Ms: round(Math.max(0, ...probes.map((p) => p.lagP99Ms))),
          cpuPct: Math.round(mean(probes.map((p) => p.cpuPercent))),
        });
      }
      probesFrom = cluster.nodes.map((n) => n.probes.length);
      const windows = [race.stats.slice(statsFrom[0]), quiz.stats.slice(statsFrom[1])];
      statsFrom = [race.stats.length, quiz.stats.length];
      for (const stats of windows.flat()) joinMs.push(...stats.joinMs);
      const now = Date.now();
      const commands = cluster.redisCounters().commands;
      const cpuNow = machineCpu();
      const sum = (pick: (s: (typeof windows)[number][number]) => number) => windows.flat().reduce((a, s) => a + pick(s), 0);
      const sample: Sample = {
        minutes: round((now - started) / 60_000, 2),
        clients: race.connected + quiz.connected,
        machineCpuPct: Math.round(((cpuNow.busy - cpuBefore.busy) / (cpuNow.total - cpuBefore.total)) * 100),
        loadCpuPct: Math.round(windows.reduce((a, w) => a + mean(w.map((s) => s.loadCpuPct)), 0)),
        nodes,
        redis: { usedMemoryMb: round(cluster.redisUsedMemory() / MB, 2), keys: cluster.redisKeyCount(), commandsPerSec: Math.round((commands - commandsBefore) / ((now - sampledAt) / 1000)) },
        results: (await cluster.postgresCounters()).results - resultsFrom,
        leftFinished: sum((s) => s.leftFinished),
        leftEarly: sum((s) => s.leftEarly),
        joinFailures: sum((s) => s.joinFailures),
        joinErrors: [...new Set(windows.flat().flatMap((s) => s.joinErrors))].slice(0, 3),
      };
      commandsBefore = commands;
      cpuBefore = cpuNow;
      sampledAt = now;
      samples.push(sample);
      console.log(JSON.stringify({ scenario: "soak", ...sample }));
    }
    const seconds = (Date.now() - started) / 1000;
    const redisWork = redisDelta(redisFrom, cluster.redisCounters());
    const pgTo = await cluster.postgresCounters();
    const results = pgTo.results - resultsFrom;
    const postgres = {
      transactionsPerSec: round((pgTo.commits - pgFrom.commits) / seconds, 1),
      walBytesPerSec: Math.round((await cluster.walBytes(pgFrom.walLsn, pgTo.walLsn)) / seconds),
      backendCpuMsPerSec: round(backendCpuDeltaMs(pgFrom, pgTo) / seconds, 2),
    };
    const keysUnderLoad = keyPatterns(cluster.redisKeys());

    // the players go; once the rooms have closed (reconnection window, linger) nothing of theirs should stay
    race.stop();
    quiz.stop();
    await sleep((Number(SOAK_ENV.RECONNECT_WINDOW_S) + (smoke ? 4 : 10)) * 1000);
    const leftBehind = cluster.redisKeys();

    const half = samples.filter((s) => s.minutes >= minutes / 2);
    const perHour = (pick: (s: Sample) => number) => round(slope(half.map((s) => [s.minutes / 60, pick(s)])), 2);
    const slopes: Record<string, number> = {};
    cluster.nodes.forEach((_, i) => {
      slopes[`node${i + 1}RssMbPerHour`] = perHour((s) => s.nodes[i]!.rssMb);
      slopes[`node${i + 1}HeapMbPerHour`] = perHour((s) => s.nodes[i]!.heapUsedMb);
      slopes[`node${i + 1}LagP99MsPerHour`] = perHour((s) => s.nodes[i]!.lagP99Ms);
    });
    slopes.redisUsedMemoryMbPerHour = perHour((s) => s.redis.usedMemoryMb);
    slopes.redisKeysPerHour = perHour((s) => s.redis.keys);
    const summary = {
      minutes: round(seconds / 60, 1),
      clients,
      racers,
      quizPlayers: clients - racers,
      clientsMean: Math.round(mean(samples.map((s) => s.clients))),
      matchesStored: results,
      resultsPerSec: round(results / seconds, 2),
      playersLeftAfterMatch: samples.reduce((a, s) => a + s.leftFinished, 0),
      playersLeftEarly: samples.reduce((a, s) => a + s.leftEarly, 0),
      joins: joinMs.length,
      joinFailures: samples.reduce((a, s) => a + s.joinFailures, 0),
      joinMs: { p50: round(percentile(joinMs, 50)), p95: round(percentile(joinMs, 95)), p99: round(percentile(joinMs, 99)) },
      machineCpuPct: Math.round(mean(samples.map((s) => s.machineCpuPct))),
      loadCpuPct: Math.round(mean(samples.map((s) => s.loadCpuPct))),
      lagP99MsMedian: cluster.nodes.map((_, i) => round(percentile(samples.map((s) => s.nodes[i]!.lagP99Ms), 50))),
      nodeCpuPct: cluster.nodes.map((_, i) => Math.round(mean(samples.map((s) => s.nodes[i]!.cpuPct)))),
      postgres,
      redisCommandsPerSec: Math.round(redisWork.commands / seconds),
      redisNetInBytesPerSec: Math.round(redisWork.netInputBytes / seconds),
      redisNetOutBytesPerSec: Math.round(redisWork.netOutputBytes / seconds),
      redisKeys: { atStart: keysAtStart, underLoad: keysUnderLoad, afterRoomsClosed: keyPatterns(leftBehind) },
      slopesSecondHalf: slopes,
    };
    const report = { title: `Soak: ${summary.minutes} min, two nodes, ${clients} players (races and quizzes, churning)`, summary, samples };
    mkdirSync(path.join(ROOT, "loadtest/results"), { recursive: true });
    writeFileSync(path.join(ROOT, "loadtest/results", `${name}.json`), JSON.stringify(report, null, 2));
    if (name === "soak") {
      mkdirSync(path.join(ROOT, "docs/bench"), { recursive: true });
      writeFileSync(path.join(ROOT, "docs/bench/soak.svg"), soakSvg(report));
    }
    return { summary };
  } finally {
    race.stop();
    quiz.stop();
    await cluster.stop();
  }
}
