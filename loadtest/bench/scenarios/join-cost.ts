import path from "node:path";
import { BENCH_AUTH_SECRET, DEFAULT_NODE, ROOT, args, mean, nodeBinary, percentile, round, sleep, smoke, LoadGenerator, ServerUnderTest, type Probe } from "../harness.js";
import type { WorkerConfig, WorkerStats } from "../load-worker.js";

/**
 * Server CPU per join (HTTP matchmaking, WebSocket upgrade, join handshake, first full state)
 * against a floor: a plain `http` + `ws` server doing one POST, one upgrade and one frame each way
 * per join (loadtest/bench/join-floor-server.ts), on Node 20 and Node 22 in the same run.
 *
 * The rooms must not tick, so that a join is measured without play: race rooms of 8 seats that get
 * 7 players each (every 7th join asks for another track length, a matchmaking filter value of its
 * own). A race room ticks only once its match starts (the TickLoop of server/src/kit/tick-loop.ts
 * starts in MatchRoom.startMatch), which is at 8 players or RACE_LOBBY_TIMEOUT_MS after the second
 * (set to 10 minutes here), and its lobby projection writes only the seats, so a lobby sends no
 * patch unless someone joins. Quiz and dice are event-driven but their lobbies and matches
 * rewrite a countdown into the state on every patch, and a quiz room reads its questions from the
 * database when it is created: both would mix other costs into the join. Clients are passive (they
 * acknowledge the join and send nothing) and sign their tokens themselves, as players holding a
 * token do, so the server spends nothing on tokens but their verification.
 *
 * Joins are closed-loop (`--join-concurrency`, default 32 in flight) and accumulate. µs per join =
 * (CPU time in the window − idle CPU of the fresh server over the same time) / joins in the window;
 * the CPU comes from the probe's cumulative counter, the joins from the load generator's, both read
 * against the wall clock. The idle CPU with every joined client still connected is reported too.
 * `--join-targets=arena` measures only some targets. `--join-profile` writes a CPU profile of each arena window (loadtest/bench/profile-summary.ts
 * groups it by package). `--before-dist=<path to another build's server/dist/main.js>` adds that build as target `before`,
 * measured in the same run (before/after of a change).
 */
export async function joinCost() {
  // the smoke run stays on this Node: a few seconds per scenario
  const nodes = (args.get("join-nodes") ?? (smoke ? DEFAULT_NODE : "20,22")).split(",");
  const concurrency = Number(args.get("join-concurrency") ?? 32);
  const before = args.get("before-dist");
  const targets = (args.get("join-targets")?.split(",") as Target[] | undefined) ?? (before ? ["floor", "before", "arena"] : ["floor", "arena"]);
  const rows = [];
  for (const major of nodes) {
    const node = nodeBinary(major);
    for (const target of targets) rows.push(await measureJoins(target, major, node, concurrency, before));
  }
  const summary: Record<string, unknown> = { rows };
  for (const major of nodes) {
    const floor = rows.find((r) => r.node === major && r.target === "floor");
    const arena = rows.find((r) => r.node === major && r.target === "arena");
    if (floor && arena) summary[`ratioNode${major}`] = round(arena.usPerJoin / floor.usPerJoin, 2);
    const old = rows.find((r) => r.node === major && r.target === "before");
    if (floor && old) summary[`beforeRatioNode${major}`] = round(old.usPerJoin / floor.usPerJoin, 2);
  }
  return { summary };
}

type Target = "floor" | "arena" | "before";

export interface JoinCostRow {
  target: Target;
  node: string;
  joins: number;
  windowS: number;
  joinsPerSec: number;
  usPerJoin: number;
  idleCpuPct: number;
  idleAfterCpuPct: number;
  windowCpuPct: number;
  joinP50Ms: number;
  loadCpuPct: number;
  failures: number;
  /** With `--join-profile`: the CPU profile of the window (summarise with profile-summary.ts). */
  profile?: string;
}

/** Cumulative joins at `at`, linearly between the load generator's reports. */
function joinedAt(stats: WorkerStats[], at: number): number {
  const after = stats.findIndex((s) => s.at >= at);
  if (after <= 0) return after === 0 ? stats[0]!.joinedTotal : stats.at(-1)!.joinedTotal;
  const a = stats[after - 1]!;
  const b = stats[after]!;
  return a.joinedTotal + ((b.joinedTotal - a.joinedTotal) * (at - a.at)) / (b.at - a.at);
}

/** CPU % between two probe reports. */
const cpuPct = (from: Probe, to: Probe) => ((to.cpuTotalUs - from.cpuTotalUs) / ((to.at - from.at) * 1000)) * 100;

async function measureJoins(target: Target, major: string, node: string, concurrency: number, beforeDist: string | undefined): Promise<JoinCostRow> {
  const script = target === "floor" ? "loadtest/bench/join-floor-server.ts" : target === "before" ? beforeDist : undefined;
  const server = await ServerUnderTest.start(target === "floor" ? "floor" : "arena", { RACE_LOBBY_TIMEOUT_MS: "600000" }, { node, ...(script ? { script } : {}) });
  const holdS = Number(args.get("join-hold") ?? (smoke ? 2 : 8));
  // arena's spread of track lengths (50–5000 m, 7 players each) holds 34,000 joins; every join holds a
  // socket open on both sides, under the 20,000 open files a process may have here
  const maxJoins = target === "floor" ? 16_000 : smoke ? 6000 : 16_000;
  const config: WorkerConfig = {
    url: server.url,
    mode: target === "floor" ? "join-floor" : "race",
    options: { maxPlayers: 8, lanes: 4 },
    passive: true,
    spread: { option: "trackLength", from: 50, perRoom: 7 },
    tokenSecret: BENCH_AUTH_SECRET,
    inputsPerSecond: 0,
    joinConcurrency: concurrency,
  };
  const load = new LoadGenerator(config);
  try {
    if (target !== "floor") await load.prefetchTokens(maxJoins);
    // idle: the fresh server over 3 probe reports (the first one after start includes the start)
    const idleFrom = server.probes.length;
    while (server.probes.length < idleFrom + (smoke ? 3 : 4)) await sleep(100);
    const idleProbes = server.probes.slice(idleFrom);
    const idleCpuPct = cpuPct(idleProbes[1]!, idleProbes.at(-1)!);

    load.command({ type: "scale", clients: maxJoins });
    await sleep(smoke ? 1000 : 1500); // warm up: connections, JIT
    const profile = args.has("join-profile") && target !== "floor";
    if (profile) await server.startProfile();
    const windowFrom = server.probes.length;
    while (server.probes.length < windowFrom + holdS + 1) await sleep(100);
    const profileFile = profile
      ? await server.stopProfile(path.join(ROOT, "loadtest/results/profiles", `join-cost-${target}-node${major}-${Date.now()}.cpuprofile`))
      : undefined;
    const [first, last] = [server.probes[windowFrom]!, server.probes.at(-1)!];
    await sleep(1200); // the load generator's report after the window's end
    const joins = joinedAt(load.stats, last.at) - joinedAt(load.stats, first.at);
    load.command({ type: "scale", clients: 0 });
    const windowS = (last.at - first.at) / 1000;
    const windowCpuPct = cpuPct(first, last);
    const busyUs = last.cpuTotalUs - first.cpuTotalUs - (idleCpuPct / 100) * windowS * 1e6;

    const afterFrom = server.probes.length;
    while (server.probes.length < afterFrom + (smoke ? 2 : 3)) await sleep(100);
    const afterProbes = server.probes.slice(afterFrom);
    const row: JoinCostRow = {
      target,
      node: major,
      joins: Math.round(joins),
      windowS: round(windowS, 2),
      joinsPerSec: Math.round(joins / windowS),
      usPerJoin: Math.round(busyUs / Math.max(1, joins)),
      idleCpuPct: round(idleCpuPct, 2),
      idleAfterCpuPct: round(cpuPct(afterProbes[0]!, afterProbes.at(-1)!), 2),
      windowCpuPct: Math.round(windowCpuPct),
      joinP50Ms: round(percentile(load.stats.flatMap((s) => s.joinMs), 50), 1),
      loadCpuPct: Math.round(mean(load.stats.slice(-4, -1).map((s) => s.loadCpuPct))),
      failures: load.stats.reduce((a, s) => a + s.joinFailures, 0),
      ...(profileFile ? { profile: path.relative(ROOT, profileFile) } : {}),
    };
    console.log(JSON.stringify({ scenario: "join-cost", ...row }));
    return row;
  } finally {
    load.stop();
    await server.stop();
  }
}
