import { BENCH_AUTH_SECRET, DEFAULT_NODE, RACE_OF_8, args, mean, nodeBinary, percentile, round, sleep, smoke, LoadGenerator, ServerUnderTest } from "../harness.js";
import { readFileSync } from "node:fs";
import type { WorkerConfig } from "../load-worker.js";

/** The machine's count of connections dropped because a listen queue was full (`TcpExt: ListenOverflows`). */
function listenOverflows(): number {
  const lines = readFileSync("/proc/net/netstat", "utf8").split("\n").filter((l) => l.startsWith("TcpExt:"));
  const [names, values] = lines.map((l) => l.trim().split(/\s+/));
  const at = names?.indexOf("ListenOverflows") ?? -1;
  return at > 0 ? Number(values?.[at] ?? 0) : 0;
}

/**
 * A join storm: 1,000 joins fired at the same instant at one fresh node, on Node 20 and Node 22.
 * Into race rooms of 8 that start racing as they fill (as join-burst does: the node plays the races
 * it is filling), and into race lobbies that never start (7 passive players per room of 8, as
 * join-cost: no tick loop, no play). Counts failures, 503 refusals and expired seat reservations
 * (a client whose WebSocket join is refused after matchmaking gave it a seat) explicitly, and
 * the listen-queue overflows of the machine during the storm (each one a SYN retried a second later).
 * `--before-dist=<another build's server/dist/main.js>` storms that build too, in the same run.
 */
export async function joinStorm() {
  const joins = Number(args.get("storm-joins") ?? (smoke ? 200 : 1000));
  const nodes = (args.get("storm-nodes") ?? (smoke ? DEFAULT_NODE : "20,22")).split(",");
  const rooms = (args.get("storm-rooms") ?? "racing,lobby").split(",") as Array<"racing" | "lobby">;
  const before = args.get("before-dist");
  const rows = [];
  for (const major of nodes) {
    for (const kind of rooms) {
      if (before) rows.push(await storm(kind, major, joins, before));
      rows.push(await storm(kind, major, joins));
    }
  }
  return { summary: rows };
}

async function storm(kind: "racing" | "lobby", major: string, joins: number, script?: string) {
  const server = await ServerUnderTest.start("arena", { RACE_LOBBY_TIMEOUT_MS: kind === "lobby" ? "600000" : "60000" }, { node: nodeBinary(major), ...(script ? { script } : {}) });
  const config: WorkerConfig =
    kind === "racing"
      ? { url: server.url, mode: "race", options: RACE_OF_8, inputsPerSecond: 10, joinConcurrency: joins, tokenSecret: BENCH_AUTH_SECRET }
      : {
          url: server.url,
          mode: "race",
          options: { maxPlayers: 8, lanes: 4 },
          passive: true,
          spread: { option: "trackLength", from: 50, perRoom: 7 },
          inputsPerSecond: 0,
          joinConcurrency: joins,
          tokenSecret: BENCH_AUTH_SECRET,
        };
  const load = new LoadGenerator(config);
  try {
    await load.prefetchTokens(joins);
    const fromProbe = server.probes.length;
    const overflowsFrom = listenOverflows();
    const started = Date.now();
    load.command({ type: "scale", clients: joins });
    const settled = () => {
      const s = load.stats;
      const done = s.reduce((a, x) => a + x.joinMs.length + x.joinFailures, 0);
      return done >= joins;
    };
    const deadline = started + 60_000;
    while (!settled() && Date.now() < deadline) await sleep(50);
    const seconds = (Date.now() - started) / 1000;
    await sleep(1200);
    const latencies = load.stats.flatMap((s) => s.joinMs);
    // the load generator's reports during the storm: was the client the limit?
    const during = load.stats.filter((s) => s.at > started && s.at <= started + seconds * 1000 + 1000);
    const sum = (key: "joinFailures" | "refused" | "reservationsExpired") => load.stats.reduce((a, s) => a + s[key], 0);
    const row = {
      build: script ? "before" : "arena",
      node: major,
      rooms: kind === "racing" ? "race rooms of 8, racing as they fill" : "race lobbies, 7 of 8 seats (no tick)",
      joins: latencies.length,
      seconds: round(seconds, 2),
      joinsPerSec: Math.round(latencies.length / seconds),
      joinP50Ms: round(percentile(latencies, 50)),
      joinP95Ms: round(percentile(latencies, 95)),
      joinP99Ms: round(percentile(latencies, 99)),
      failures: sum("joinFailures"),
      refused503: sum("refused"),
      reservationsExpired: sum("reservationsExpired"),
      serverCpuPct: Math.round(mean(server.probes.slice(fromProbe).map((p) => p.cpuPercent))),
      loadCpuPct: Math.round(mean(during.map((s) => s.loadCpuPct))),
      // a dropped SYN is retried after a second: a join that waits that long without server work
      listenOverflows: listenOverflows() - overflowsFrom,
    };
    console.log(JSON.stringify({ scenario: "join-storm", ...row }));
    return row;
  } finally {
    load.stop();
    await server.stop();
  }
}
