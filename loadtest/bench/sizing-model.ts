/**
 * The sizing model of BENCHMARKS.md ("Sizing: what N players need"): from the per-unit figures that
 * the `memory` and `sizing` scenarios measured (loadtest/results/bench-full.json of
 * `npm run bench -- --only=memory,sizing`) and the assumptions below, what 10 k, 100 k and 1 M
 * concurrent players of each mode need; and, as a check, the prediction for the soak's load against
 * what a short two-node soak measured (loadtest/results/soak-check.json of
 * `npm run bench -- --only=soak --soak-minutes=3 --soak-name=soak-check`). Prints Markdown tables.
 *
 *   npx tsx loadtest/bench/sizing-model.ts [bench-full.json] [soak-check.json]
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./harness.js";

/**
 * How a mode is played, by assumption: players per room, seconds from one join to the next (lobby,
 * match, reading the result), and the share of running rooms that stay joinable. Race and quiz rooms
 * lock when the match starts; war and dice rooms stay joinable while a seat is free or held by a bot
 * (a player takes it over), which at these join rates is taken within seconds: 1 % of them, say.
 */
export const MODES = {
  race: { roomSize: 8, cycleS: 75, joinableRunningShare: 0, note: "a 1 km race ≈ 55 s at 20 m/s, lobby and countdown ≈ 10 s, result ≈ 10 s" },
  quiz: { roomSize: 4, cycleS: 110, joinableRunningShare: 0, note: "5 rounds of 15 s + 3 s reveal, lobby and result ≈ 20 s" },
  war: { roomSize: 6, cycleS: 105, joinableRunningShare: 0.01, note: "a 90 s war, lobby and result ≈ 15 s" },
  dice: { roomSize: 4, cycleS: 120, joinableRunningShare: 0.01, note: "≈ 100 s of turns, lobby and result ≈ 20 s" },
} as const;
/**
 * Lobbies waiting for players, in every mode: a few per distinct filter value in use (race: track
 * length and seats; quiz: rounds and seats...). Colyseus' joinOrCreate lock lets one lobby of a filter
 * value be created at a time, cluster-wide, so the count does not grow with the players.
 */
export const FILTER_VALUES_IN_USE = 20;
export const LOBBIES_PER_FILTER_VALUE = 2;
type ModeName = keyof typeof MODES;

/** A node: one core run at most this busy (headroom for stalls and joins bursts), and this much RAM. */
export const NODE_CPU_BUDGET = 0.6;
export const NODE_RAM_MB = 2048;
/** One Redis instance (single-threaded): operations a second it is run at, at most (see "Redis" below). */
export const REDIS_OPS_BUDGET = 50_000;
/**
 * Bytes a second one Redis instance sends at most (1 Gbit/s). A join reads the joinable listings of
 * its mode (HGETALL arena:open:<mode>, server/src/cluster/cluster-driver.ts), so its reply grows with
 * the lobbies and the running rooms that keep a seat open, not with every room listed.
 */
export const REDIS_OUT_BUDGET = 125e6;
/** Results one PostgreSQL core absorbs at most this busy. */
export const PG_CPU_BUDGET = 0.6;

interface MemoryRow { mode: string; state: string; rssKbPerClient: number; heapKbPerClient: number; rssKbPerRoom: number; baseline: { rssMb: number } }
interface TrafficRow { mode: ModeName; wireBytesInPerClientPerSec: number; wireBytesOutPerClientPerSec: number; cpuUsPerClientSecond: number }
/** One run of Redis per join beside running rooms (the `sizing` scenario). */
interface BesideRunning {
  build: string;
  few: { netOutBytesPerJoin: number };
  listingReplyBytes: number;
}
interface Sizing {
  besideRunning: BesideRunning[];
  redis: { joins: number; rooms: number; commandsPerJoin: number; commandsPerRoomSecond: number; nodeCommandsPerSec: number; perJoinAllIn: { netOutBytes: number } };
  matches: { clients: number; resultsPerSec: number; joinsPerMatch: number; nodeCpuPct: number; redisPerMatch: { commands: number; netOutBytes: number }; postgresPerResult: { transactions: number; walBytes: number; backendCpuMs: number } };
  traffic: TrafficRow[];
}

export interface Units {
  cpuUsPerClientSecond: number;
  rssKbPerClient: number;
  wireBytesPerClientPerSec: number;
  redisPerJoin: number;
  redisPerRoomSecond: number;
  /** A match's own Redis work beyond its joins and its room-seconds (listing, create, dispose). */
  redisPerMatchOwn: number;
  redisPerNodeSecond: number;
  /** Redis reply bytes of a join besides the joinable listings it reads (seat reservation, writes). */
  redisOutBytesPerJoin: number;
  /** Redis reply bytes of one listing read (room id and JSON). */
  redisOutBytesPerListing: number;
  nodeCpuUsPerJoin: number;
  pgCpuMsPerResult: number;
  walBytesPerResult: number;
}

export function units(memory: MemoryRow[], sizing: Sizing, mode: ModeName): Units {
  const traffic = sizing.traffic.find((t) => t.mode === mode)!;
  const running = memory.find((m) => m.mode === mode && m.state === "running");
  const race = sizing.traffic.find((t) => t.mode === "race")!;
  const m = sizing.matches;
  // the full-match run: its clients race back to back; a room lives clients/roomSize/results-per-second... per result
  const roomSecondsPerMatch = m.clients / 8 / Math.max(0.01, m.resultsPerSec);
  const joinsPerSec = m.resultsPerSec * m.joinsPerMatch;
  const cpuUsPerJoin = Math.max(0, ((m.nodeCpuPct / 100) * 1e6 - m.clients * race.cpuUsPerClientSecond) / Math.max(0.01, joinsPerSec));
  return {
    cpuUsPerClientSecond: traffic.cpuUsPerClientSecond,
    rssKbPerClient: running?.rssKbPerClient ?? 0,
    wireBytesPerClientPerSec: traffic.wireBytesInPerClientPerSec + traffic.wireBytesOutPerClientPerSec,
    redisPerJoin: sizing.redis.commandsPerJoin,
    redisPerRoomSecond: sizing.redis.commandsPerRoomSecond,
    redisPerMatchOwn: Math.max(0, m.redisPerMatch.commands - m.joinsPerMatch * sizing.redis.commandsPerJoin - roomSecondsPerMatch * sizing.redis.commandsPerRoomSecond),
    redisPerNodeSecond: sizing.redis.nodeCommandsPerSec,
    // measured with a few joinable rooms (the ones being filled), which are counted here once more
    redisOutBytesPerJoin: thisBuild(sizing).few.netOutBytesPerJoin,
    redisOutBytesPerListing: thisBuild(sizing).listingReplyBytes,
    nodeCpuUsPerJoin: cpuUsPerJoin,
    pgCpuMsPerResult: m.postgresPerResult.backendCpuMs,
    walBytesPerResult: m.postgresPerResult.walBytes,
  };
}

function thisBuild(sizing: Sizing): BesideRunning {
  const row = sizing.besideRunning.find((r) => r.build === "this build");
  if (!row) throw new Error("the sizing figures have no run of this build beside running rooms (rerun the sizing scenario)");
  return row;
}

/** Joinable rooms of a mode at `players`: the lobbies, and the running rooms that keep a seat open. */
export function joinableRooms(mode: ModeName, players: number): number {
  const { roomSize, joinableRunningShare } = MODES[mode];
  return FILTER_VALUES_IN_USE * LOBBIES_PER_FILTER_VALUE + joinableRunningShare * (players / roomSize);
}

export interface Need {
  nodes: number;
  ramGb: number;
  joinsPerSec: number;
  redisOpsPerSec: number;
  redisOutMbPerSec: number;
  redisInstances: number;
  resultsPerSec: number;
  pgCores: number;
  walMbPerSec: number;
  gbitPerSec: number;
  bottleneck: string;
}

/** What `players` concurrent players of `mode` need. */
export function need(u: Units, mode: ModeName, players: number): Need {
  const { roomSize, cycleS } = MODES[mode];
  const joinsPerSec = players / cycleS;
  const rooms = players / roomSize;
  const matchesPerSec = rooms / cycleS;
  const cpuPerNodeUs = NODE_CPU_BUDGET * 1e6;
  // CPU a second: playing clients and the joins they make
  const cpuUs = players * u.cpuUsPerClientSecond + joinsPerSec * u.nodeCpuUsPerJoin;
  const byCpu = Math.ceil(cpuUs / cpuPerNodeUs);
  const byRam = Math.ceil((players * u.rssKbPerClient) / 1024 / (NODE_RAM_MB - 200));
  const nodes = Math.max(byCpu, byRam, 1);
  const redisOpsPerSec = joinsPerSec * u.redisPerJoin + rooms * u.redisPerRoomSecond + matchesPerSec * u.redisPerMatchOwn + nodes * u.redisPerNodeSecond;
  const joinable = joinableRooms(mode, players);
  const redisOutPerSec = joinsPerSec * (u.redisOutBytesPerJoin + joinable * u.redisOutBytesPerListing);
  const redisInstances = Math.ceil(redisOpsPerSec / REDIS_OPS_BUDGET);
  const pgCores = (matchesPerSec * u.pgCpuMsPerResult) / 1000 / PG_CPU_BUDGET;
  // of the shared limits past their budget, the one exceeded the most is named (it is reached first)
  const over = [
    { ratio: redisOutPerSec / REDIS_OUT_BUDGET, what: `Redis replies: every join reads the ${Math.round(joinable).toLocaleString("en")} joinable rooms of its mode, ${Math.round(redisOutPerSec / 1e6).toLocaleString("en")} MB/s out of one instance` },
    { ratio: redisOpsPerSec / REDIS_OPS_BUDGET, what: `Redis: ${Math.round(redisOpsPerSec / 1000)} k ops/s is more than one instance (${REDIS_OPS_BUDGET / 1000} k); presence and driver are one Redis in Colyseus` },
    { ratio: pgCores / 8, what: "PostgreSQL primary: results/s" },
  ].filter((limit) => limit.ratio > 1);
  over.sort((a, b) => b.ratio - a.ratio);
  const bottleneck = over[0]?.what ?? (byRam > byCpu ? "node memory" : "node CPU (add nodes)");
  return {
    nodes,
    ramGb: Math.round(((players * u.rssKbPerClient) / 1024 / 1024 + nodes * 0.2) * 10) / 10,
    joinsPerSec: Math.round(joinsPerSec),
    redisOpsPerSec: Math.round(redisOpsPerSec),
    redisOutMbPerSec: Math.round(redisOutPerSec / 1e6),
    redisInstances,
    resultsPerSec: Math.round(matchesPerSec * 10) / 10,
    pgCores: Math.round(pgCores * 100) / 100,
    walMbPerSec: Math.round(((matchesPerSec * u.walBytesPerResult) / 2 ** 20) * 100) / 100,
    gbitPerSec: Math.round(((players * u.wireBytesPerClientPerSec * 8) / 1e9) * 100) / 100,
    bottleneck,
  };
}

/**
 * Players at which one Redis instance's replies reach REDIS_OUT_BUDGET: joins/s × (bytes of a join +
 * joinable rooms × bytes of a listing), linear in the players where no running room stays joinable,
 * quadratic where a share of them does.
 */
export function redisWall(u: Units, mode: ModeName): number {
  const { roomSize, cycleS, joinableRunningShare } = MODES[mode];
  const a = (joinableRunningShare * u.redisOutBytesPerListing) / (roomSize * cycleS);
  const b = (u.redisOutBytesPerJoin + FILTER_VALUES_IN_USE * LOBBIES_PER_FILTER_VALUE * u.redisOutBytesPerListing) / cycleS;
  return Math.round(a === 0 ? REDIS_OUT_BUDGET / b : (-b + Math.sqrt(b * b + 4 * a * REDIS_OUT_BUDGET)) / (2 * a));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(ROOT, "loadtest/bench/sizing-model.ts")) {
  const bench = JSON.parse(readFileSync(process.argv[2] ?? path.join(ROOT, "loadtest/results/bench-full.json"), "utf8")) as {
    memory: { summary: MemoryRow[] };
    sizing: { summary: Sizing };
  };
  const memory = bench.memory.summary;
  const sizing = bench.sizing.summary;
  console.log("| mode | players | nodes (1 core) | RAM GB | joins/s | Redis ops/s | Redis out MB/s | Redis instances (ops) | results/s | PostgreSQL cores | WAL MB/s | wire Gbit/s | first bottleneck |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const mode of Object.keys(MODES) as ModeName[]) {
    const u = units(memory, sizing, mode);
    for (const players of [10_000, 100_000, 1_000_000]) {
      const n = need(u, mode, players);
      console.log(`| ${mode} | ${players.toLocaleString("en")} | ${n.nodes} | ${n.ramGb} | ${n.joinsPerSec} | ${n.redisOpsPerSec.toLocaleString("en")} | ${n.redisOutMbPerSec.toLocaleString("en")} | ${n.redisInstances} | ${n.resultsPerSec} | ${n.pgCores} | ${n.walMbPerSec} | ${n.gbitPerSec} | ${n.bottleneck} |`);
    }
  }
  console.log("\nunits:");
  for (const mode of Object.keys(MODES) as ModeName[]) {
    const u = units(memory, sizing, mode);
    // Redis commands grow linearly with the players: one instance's budget over the commands of one player
    const opsWall = Math.round(REDIS_OPS_BUDGET / (need(u, mode, 1_000_000).redisOpsPerSec / 1_000_000));
    console.log(mode, JSON.stringify(u), "Redis replies' wall at", redisWall(u, mode), "players, Redis commands' at", opsWall);
  }

  // the check: the soak's load (as the load generators saw it) → what the servers should have done
  const soakFile = process.argv[3] ?? path.join(ROOT, "loadtest/results/soak-check.json");
  if (!existsSync(soakFile)) {
    console.log(`\nno ${path.relative(ROOT, soakFile)}: the check against a two-node run is left out`);
    process.exit(0);
  }
  const soak = JSON.parse(readFileSync(soakFile, "utf8")) as {
    summary: {
      minutes: number; racers: number; quizPlayers: number; playersLeftAfterMatch: number; playersLeftEarly: number; joinFailures: number;
      resultsPerSec: number; nodeCpuPct: number[]; redisCommandsPerSec: number; redisNetOutBytesPerSec: number;
      postgres?: { transactionsPerSec: number; walBytesPerSec: number; backendCpuMsPerSec: number };
      redisKeys: { underLoad: Record<string, { keys: number; entries: number }> };
    };
  };
  const s = soak.summary;
  const seconds = s.minutes * 60;
  const joinsPerSec = (s.playersLeftAfterMatch + s.playersLeftEarly) / seconds;
  const rooms = s.redisKeys.underLoad.roomcaches?.entries ?? 0;
  // a run of a build before the index read every listing per join
  const joinable = s.redisKeys.underLoad["arena:open:*"]?.entries;
  const race = units(memory, sizing, "race");
  const quiz = units(memory, sizing, "quiz");
  const predictedRedis = joinsPerSec * race.redisPerJoin + rooms * race.redisPerRoomSecond + s.resultsPerSec * race.redisPerMatchOwn + 2 * race.redisPerNodeSecond;
  const predictedCpu = (s.racers * race.cpuUsPerClientSecond + s.quizPlayers * quiz.cpuUsPerClientSecond + joinsPerSec * race.nodeCpuUsPerJoin) / 1e4;
  const measuredCpu = s.nodeCpuPct.reduce((a, b) => a + b, 0);
  console.log(`\nsoak load: ${s.racers} racers, ${s.quizPlayers} quiz players, ${joinsPerSec.toFixed(1)} joins/s, ${rooms} rooms listed (${joinable ?? "no index:"} joinable${joinable === undefined ? " every listing read" : ""}), ${s.resultsPerSec} results/s`);
  console.log("| figure | predicted | measured | measured / predicted |\n|---|---|---|---|");
  const row = (name: string, p: number, m: number) => console.log(`| ${name} | ${Math.round(p).toLocaleString("en")} | ${Math.round(m).toLocaleString("en")} | ${(m / p).toFixed(2)} |`);
  row("Redis commands/s", predictedRedis, s.redisCommandsPerSec);
  // a join reads the joinable rooms of its own mode: both modes' (the soak has races and quizzes) count a little over
  const read = joinable ?? rooms;
  row("Redis reply bytes/s", joinsPerSec * (race.redisOutBytesPerJoin + read * race.redisOutBytesPerListing), s.redisNetOutBytesPerSec);
  row("CPU of the two nodes, % of a core", predictedCpu, measuredCpu);
  // results/s is an input here (the matches the players finished); PostgreSQL's work per result is the prediction
  const pg = sizing.matches.postgresPerResult;
  row("PostgreSQL transactions/s", s.resultsPerSec * pg.transactions, s.postgres?.transactionsPerSec ?? NaN);
  row("PostgreSQL backend CPU, ms per s", s.resultsPerSec * pg.backendCpuMs, s.postgres?.backendCpuMsPerSec ?? NaN);
  row("WAL bytes/s", s.resultsPerSec * pg.walBytes, s.postgres?.walBytesPerSec ?? NaN);
}
