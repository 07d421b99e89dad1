/**
 * `npm run bench`: the Node benchmark. Everything on 127.0.0.1; the server pinned to core 0 and the
 * load generator (a separate process) to core 1 where `taskset` exists. Every scenario stops by
 * itself. Prints a table per scenario and writes all figures to loadtest/results/bench-*.json.
 *
 *   npm run bench                               every scenario, full size (several minutes)
 *   npm run bench -- --smoke                    every scenario, a few seconds each (CI)
 *   npm run bench -- --only=capacity --steps=1000,2000,3000
 *
 * Scenarios:
 *   capacity      ramp clients in rooms of 8 against a bare Colyseus room and arena's race room;
 *                 capacity = largest step with loop lag p99 < 20 ms and late ticks < 0.5 %
 *   ws-floor      a plain `ws` server (no Colyseus) carrying the bare room's and the race's traffic:
 *                 how much of a core the sockets alone take at the bare room's capacity and twice it
 *   join-burst    1,000 joins at a fresh server, fired at once and at fixed arrival rates: join p50/p95/p99
 *   quiz-rooms    ramp live quiz rooms (2 players answering each question) until the loop lags
 *   bandwidth     a race of 8: bytes per client per second vs the JSON of the full state at the same rate
 *   results       match results written per second into PostgreSQL (loadtest/bench/results-bench.ts)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchMode, WorkerCommand, WorkerConfig, WorkerStats } from "./load-worker.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const args = new Map(
  process.argv.slice(2).map((a) => {
    const arg = a.replace(/^--/, "");
    const eq = arg.indexOf("=");
    return eq < 0 ? [arg, "true"] : [arg.slice(0, eq), arg.slice(eq + 1)];
  }),
);
const smoke = args.has("smoke");
const only = args.get("only")?.split(",");
const holdMs = Number(args.get("hold") ?? (smoke ? 2000 : 8000));
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * Node flags of every server under test: the ones `npm start` and the Docker image use (a larger
 * young generation, see README "Tuning"), so the baseline gets the same runtime as arena.
 * `--node-flags="..."` replaces them for an experiment.
 */
const SERVER_NODE_FLAGS = (args.get("node-flags") ?? "--max-semi-space-size=32").split(" ").filter(Boolean);

/** Capacity: the largest step with loop-lag p99 under this and late ticks under this share. */
const LAG_P99_LIMIT_MS = 20;
const LATE_TICK_LIMIT_PCT = 0.5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function pinned(core: number, command: string[]): [string, string[]] {
  return hasTaskset ? ["taskset", ["-c", String(core), ...command]] : [command[0]!, command.slice(1)];
}

interface Probe {
  lagP99Ms: number;
  lagMaxMs: number;
  gcMs: number;
  gcMaxMs: number;
  gcMajor: number;
  cpuPercent: number;
  rssBytes: number;
}

type ServerKind = "bare" | "floor" | "arena";

/** A server process under test, with what its probe reports. */
class ServerUnderTest {
  readonly probes: Probe[] = [];
  /** Ticks the bare and floor servers report over IPC (arena's come from /metrics). */
  ipcTicks = { total: 0, late: 0 };

  private constructor(
    readonly kind: ServerKind,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    child.on("message", (m: { type: string } & Record<string, number>) => {
      if (m.type === "probe") this.probes.push(m as unknown as Probe);
      if (m.type === "ticks") this.ipcTicks = { total: m.total ?? 0, late: m.late ?? 0 };
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(kind: ServerKind, env: Record<string, string> = {}): Promise<ServerUnderTest> {
    const port = await freePort();
    const probe = path.join(ROOT, "loadtest/bench/probe.mjs");
    const command =
      kind !== "arena"
        ? [process.execPath, ...SERVER_NODE_FLAGS, "--import", "tsx", "--import", probe, `loadtest/bench/${kind === "bare" ? "bare-server" : "ws-floor-server"}.ts`]
        : [process.execPath, ...SERVER_NODE_FLAGS, "--import", probe, ...(args.has("profile") ? ["--cpu-prof", "--cpu-prof-dir=loadtest/results/profiles"] : []), "server/dist/main.js"];
    const [bin, argv] = pinned(0, command);
    const child = spawn(bin, argv, {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        NODE_ENV: "production",
        AUTH_SECRET: "bench-secret-bench-secret-bench-secret",
        DATABASE_URL,
        DATA_DIR: path.join(ROOT, "data", `bench-${port}`),
        HTTP_RATE_PER_MIN: "100000000",
        RACE_COUNTDOWN_MS: "500",
        RACE_LOBBY_TIMEOUT_MS: "60000",
        QUIZ_JOIN_WINDOW_MS: "500",
        DRAIN_GRACE_S: "0",
        ...env,
      },
    });
    const server = new ServerUnderTest(kind, port, child);
    for (let i = 0; i < 300; i++) {
      try {
        const res = await fetch(`${server.url}/${kind === "arena" ? "ready" : "__healthcheck"}`);
        if (res.ok) return server;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${kind} server did not start`);
  }

  async ticks(): Promise<{ total: number; late: number }> {
    if (this.kind !== "arena") return this.ipcTicks;
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const sum = (name: string) =>
      text
        .split("\n")
        .filter((l) => l.startsWith(`${name}{`))
        .reduce((acc, l) => acc + Number(l.split(" ").pop()), 0);
    return { total: sum("arena_ticks_total"), late: sum("arena_ticks_late_total") };
  }

  async stop(): Promise<void> {
    // SIGINT lets arena exit normally (and write its CPU profile with --profile)
    this.child.kill("SIGINT");
    const killer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await new Promise((r) => this.child.once("exit", r));
    clearTimeout(killer);
  }
}

/** The load generator process. */
class LoadGenerator {
  readonly stats: WorkerStats[] = [];
  private readonly child: ChildProcess;

  constructor(config: WorkerConfig) {
    const [bin, argv] = pinned(1, [process.execPath, "--import", "tsx", "loadtest/bench/load-worker.ts"]);
    this.child = spawn(bin, argv, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (m: WorkerStats | { type: "tokens-ready" }) => {
      if (m.type === "stats") this.stats.push(m);
      else if (m.type === "tokens-ready") this.tokensReady?.();
    });
    this.command({ type: "config", config });
  }

  command(command: WorkerCommand) {
    this.child.send(command);
  }

  private tokensReady: (() => void) | undefined;

  /** Has the worker fetch guest tokens for the next `count` joins (players arrive with a token). */
  async prefetchTokens(count: number): Promise<void> {
    const ready = new Promise<void>((resolve) => (this.tokensReady = resolve));
    this.command({ type: "prefetch-tokens", count });
    await ready;
  }

  get connected(): number {
    return this.stats.at(-1)?.clients ?? 0;
  }

  /** Scales to `clients` and waits until (almost) all are in, or `timeoutMs`. */
  async scaleTo(clients: number, timeoutMs = 120_000): Promise<void> {
    this.command({ type: "scale", clients });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.connected < clients * 0.98) await sleep(100);
  }

  stop() {
    this.command({ type: "stop" });
  }
}

interface StepResult {
  scenario: string;
  target: string;
  clients: number;
  rooms: number;
  msgsInPerSec: number;
  msgsOutPerSec: number;
  patchesPerClientPerSec: number;
  bytesPerClientPerSec: number;
  lagP99Ms: number;
  lagMaxMs: number;
  lateTickPct: number;
  /** Share of the window spent in garbage collection, and its longest pause. */
  gcPct: number;
  gcMaxMs: number;
  joinP50Ms: number;
  joinP95Ms: number;
  joinP99Ms: number;
  rttP95Ms: number;
  serverCpuPct: number;
  serverRssMb: number;
  loadCpuPct: number;
  errors: number;
  ok: boolean;
}

/** Measures one steady window of `holdMs` after the clients are in. */
async function measure(scenario: string, target: string, server: ServerUnderTest, load: LoadGenerator, joinFrom: number): Promise<StepResult> {
  await sleep(2000); // let the new rooms start
  const from = { stats: load.stats.length, probes: server.probes.length, ticks: await server.ticks() };
  await sleep(holdMs);
  const ticksNow = await server.ticks();
  const window = load.stats.slice(from.stats);
  const probes = server.probes.slice(from.probes);
  const seconds = window.length || 1;
  const connected = mean(window.map((s) => s.clients));
  const joins = load.stats.slice(joinFrom).flatMap((s) => s.joinMs);
  const ticked = ticksNow.total - from.ticks.total;
  const result: StepResult = {
    scenario,
    target,
    clients: Math.round(connected),
    rooms: Math.round(mean(window.map((s) => s.rooms))),
    msgsInPerSec: Math.round(window.reduce((a, s) => a + s.framesOut, 0) / seconds),
    msgsOutPerSec: Math.round(window.reduce((a, s) => a + s.framesIn, 0) / seconds),
    patchesPerClientPerSec: round(window.reduce((a, s) => a + s.patches, 0) / seconds / Math.max(1, connected)),
    bytesPerClientPerSec: Math.round(window.reduce((a, s) => a + s.bytesIn, 0) / seconds / Math.max(1, connected)),
    lagP99Ms: round(percentile(probes.map((p) => p.lagP99Ms), 50)),
    lagMaxMs: round(Math.max(0, ...probes.map((p) => p.lagMaxMs))),
    lateTickPct: round(ticked > 0 ? ((ticksNow.late - from.ticks.late) / ticked) * 100 : 0, 2),
    gcPct: round(probes.reduce((a, p) => a + p.gcMs, 0) / (probes.length * 10 || 1)),
    gcMaxMs: round(Math.max(0, ...probes.map((p) => p.gcMaxMs))),
    joinP50Ms: round(percentile(joins, 50)),
    joinP95Ms: round(percentile(joins, 95)),
    joinP99Ms: round(percentile(joins, 99)),
    rttP95Ms: round(percentile(window.flatMap((s) => s.rttMs), 95)),
    serverCpuPct: Math.round(mean(probes.map((p) => p.cpuPercent))),
    serverRssMb: Math.round(Math.max(0, ...probes.map((p) => p.rssBytes)) / 2 ** 20),
    loadCpuPct: Math.round(mean(window.map((s) => s.loadCpuPct))),
    errors: window.reduce((a, s) => a + s.joinFailures, 0) + (window.at(-1)?.gameErrors ?? 0),
    ok: false,
  };
  result.ok = result.lagP99Ms < LAG_P99_LIMIT_MS && result.lateTickPct < LATE_TICK_LIMIT_PCT;
  console.log(JSON.stringify(result));
  return result;
}

/** Ramps one target through `steps` clients until two steps in a row fail. */
async function ramp(
  scenario: string,
  target: BenchMode,
  steps: number[],
  options: WorkerConfig["options"],
  env: Record<string, string> = {},
  label: string = target,
): Promise<StepResult[]> {
  const server = await ServerUnderTest.start(target === "bare" || target === "floor" ? target : "arena", env);
  const load = new LoadGenerator({ url: server.url, mode: target, options, inputsPerSecond: 10, joinConcurrency: 40 });
  const results: StepResult[] = [];
  let failures = 0;
  try {
    for (const clients of steps) {
      const joinFrom = load.stats.length;
      await load.scaleTo(clients);
      const result = await measure(scenario, label, server, load, joinFrom);
      // a step whose clients did not all get in has not been measured at its size
      if (result.clients < clients * 0.95) result.ok = false;
      results.push(result);
      failures = result.ok ? 0 : failures + 1;
      if (failures >= 2) break;
    }
  } finally {
    load.stop();
    await server.stop();
  }
  return results;
}

const RACE_OF_8 = { trackLength: 5000, maxPlayers: 8 };

async function capacity() {
  const steps = (args.get("steps") ?? (smoke ? "40,80" : "500,1000,1500,2000,2500,3000,3500,4000,4500,5000")).split(",").map(Number);
  const targets = (args.get("targets") ?? "bare,race").split(",");
  const raceEnv: Record<string, string> = args.has("patch-rate") ? { PATCH_RATE_HZ: args.get("patch-rate")! } : {};
  const bare = targets.includes("bare") ? await ramp("capacity", "bare", steps, {}) : [];
  const race = targets.includes("race") ? await ramp("capacity", "race", steps, RACE_OF_8, raceEnv) : [];
  const best = (rows: StepResult[]) => Math.max(0, ...rows.filter((r) => r.ok).map((r) => r.clients));
  const summary = { bare: best(bare), race: best(race), ratio: best(bare) > 0 ? round(best(race) / best(bare), 2) : null };
  return { steps: [...bare, ...race], summary };
}

/**
 * The floor: a plain `ws` server with no Colyseus (loadtest/bench/ws-floor-server.ts) carrying the
 * bare room's traffic (10 frames in, 20 out per client and second) and the race's (10 in, 10 out),
 * at the bare room's capacity and at twice it. Shows how much of a core the socket traffic alone
 * takes, i.e. what a 2x target leaves for Colyseus and the game.
 */
async function wsFloor() {
  const steps = (args.get("floor-steps") ?? (smoke ? "40" : "1500,2000,3000,4000")).split(",").map(Number);
  const rows: StepResult[] = [];
  const cpuByClients: Record<string, Record<number, number>> = {};
  for (const outHz of [20, 10]) {
    const label = `ws floor, ${outHz} out/s`;
    const cpu: Record<number, number> = (cpuByClients[`serverCpuPctByClients${outHz}HzOut`] = {});
    // every step is measured on a fresh server (a floor is a curve, not a pass/fail ramp)
    for (const clients of steps) {
      for (const row of await ramp("ws-floor", "floor", [clients], {}, { FLOOR_OUT_HZ: String(outHz) }, label)) {
        rows.push(row);
        cpu[row.clients] = row.serverCpuPct;
      }
    }
  }
  return { steps: rows, summary: cpuByClients };
}

/**
 * Join latency under a burst of joins into race rooms of 8 (rooms start racing as they fill, so the
 * server plays the races it is filling). Players arrive with a guest token (fetched beforehand):
 * the clock runs from matchmaking to the join acknowledgement on the WebSocket. Each variant runs on
 * a fresh server: all joins fired at once, then open-loop arrivals at fixed rates
 * (`--burst-rates=all,100,150`), which show the rate a node absorbs within the latency target.
 */
async function joinBurst() {
  const joins = smoke ? 100 : 1000;
  const variants = (args.get("burst-rates") ?? (smoke ? "all,100" : "all,100,150,200,300")).split(",");
  const concurrency = Number(args.get("burst-concurrency") ?? joins);
  const rows = [];
  for (const variant of variants) {
    const rate = variant === "all" ? undefined : Number(variant);
    const server = await ServerUnderTest.start("arena");
    const load = new LoadGenerator({
      url: server.url,
      mode: "race",
      options: RACE_OF_8,
      inputsPerSecond: 10,
      joinConcurrency: concurrency,
      ...(rate ? { joinRatePerSecond: rate } : {}),
    });
    try {
      await load.prefetchTokens(joins);
      const started = Date.now();
      const fromProbe = server.probes.length;
      const fromStats = load.stats.length;
      await load.scaleTo(joins);
      const seconds = (Date.now() - started) / 1000;
      const serverCpuPct = Math.round(mean(server.probes.slice(fromProbe).map((p) => p.cpuPercent)));
      const loadCpuPct = Math.round(mean(load.stats.slice(fromStats).map((s) => s.loadCpuPct)));
      await sleep(1500);
      const latencies = load.stats.flatMap((s) => s.joinMs);
      const row = {
        joins: latencies.length,
        arrivals: rate ? `${rate}/s` : concurrency >= joins ? "all at once" : `${concurrency} in flight`,
        seconds: round(seconds, 2),
        joinsPerSec: Math.round(latencies.length / seconds),
        joinP50Ms: round(percentile(latencies, 50)),
        joinP95Ms: round(percentile(latencies, 95)),
        joinP99Ms: round(percentile(latencies, 99)),
        failures: load.stats.reduce((a, s) => a + s.joinFailures, 0),
        serverCpuPct,
        loadCpuPct,
      };
      console.log(JSON.stringify({ scenario: "join-burst", ...row }));
      rows.push(row);
    } finally {
      load.stop();
      await server.stop();
    }
  }
  return { summary: rows };
}

async function quizRooms() {
  const roomSteps = (args.get("quiz-rooms") ?? (smoke ? "20,40" : "500,1000,1500,2000,2500,3000")).split(",").map(Number);
  const steps = await ramp("quiz-rooms", "quiz", roomSteps.map((r) => r * 2), { minPlayers: 2, maxPlayers: 2, rounds: 20 });
  const held = Math.max(0, ...steps.filter((s) => s.ok && s.errors === 0).map((s) => s.rooms));
  return { steps, summary: { liveQuizRoomsHeld: held } };
}

async function bandwidth() {
  const server = await ServerUnderTest.start("arena");
  const load = new LoadGenerator({ url: server.url, mode: "race", options: { ...RACE_OF_8, trackLength: 4999 }, inputsPerSecond: 10, joinConcurrency: 8 });
  try {
    await load.scaleTo(7);
    // the eighth racer decodes the state like a real client, to size the JSON of the full state
    const { connect } = await import("@arena/client-sdk");
    const observer = connect(server.url);
    await observer.guest("observer");
    const race = await observer.joinRace({ ...RACE_OF_8, trackLength: 4999 });
    await race.waitFor((s) => s.phase === "racing", 10_000);
    const drive = setInterval(() => race.send("input", { throttle: 1, steer: 0, boost: false }), 100);
    const jsonSizes: number[] = [];
    race.onStateChange((state) => jsonSizes.push(JSON.stringify(state.toJSON()).length));
    const from = load.stats.length;
    const started = Date.now();
    await sleep(smoke ? 3000 : 10_000);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(drive);
    const window = load.stats.slice(from);
    if (args.has("debug")) console.log(JSON.stringify(window.map((s) => [s.clients, s.framesIn, s.bytesIn, s.patches])));
    const clients = mean(window.map((s) => s.clients)) || 1;
    const bytesPerClientPerSec = window.reduce((a, s) => a + s.bytesIn, 0) / window.length / clients;
    const patchesPerSec = jsonSizes.length / seconds;
    const jsonBytesPerSec = mean(jsonSizes) * patchesPerSec;
    const summary = {
      racers: 8,
      patchesPerSec: round(patchesPerSec),
      bytesPerClientPerSec: Math.round(bytesPerClientPerSec),
      jsonFullStateBytes: Math.round(mean(jsonSizes)),
      jsonFullStateBytesPerSec: Math.round(jsonBytesPerSec),
      ratio: round(bytesPerClientPerSec / jsonBytesPerSec, 3),
    };
    console.log(JSON.stringify({ scenario: "bandwidth", ...summary }));
    await race.leave();
    return { summary };
  } finally {
    load.stop();
    await server.stop();
  }
}

async function results() {
  const count = smoke ? 300 : 5000;
  const run = spawnSync(process.execPath, ["--import", "tsx", "loadtest/bench/results-bench.ts", String(count)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL },
    encoding: "utf8",
  });
  const line = run.stdout.trim().split("\n").pop() ?? "{}";
  console.log(line);
  return { summary: JSON.parse(line) as Record<string, unknown> };
}

const scenarios: Record<string, () => Promise<{ steps?: StepResult[]; summary: unknown }>> = {
  capacity,
  "ws-floor": wsFloor,
  "join-burst": joinBurst,
  "quiz-rooms": quizRooms,
  bandwidth,
  results,
};

const report: Record<string, unknown> = {
  at: new Date().toISOString(),
  node: process.version,
  pinned: hasTaskset ? "server on core 0, load on core 1" : "not pinned (no taskset)",
  holdMs,
  limits: { lagP99Ms: LAG_P99_LIMIT_MS, lateTickPct: LATE_TICK_LIMIT_PCT },
};
const columns: Array<keyof StepResult> = [
  "target", "clients", "rooms", "msgsInPerSec", "msgsOutPerSec", "patchesPerClientPerSec", "bytesPerClientPerSec", "lagP99Ms",
  "lagMaxMs", "lateTickPct", "gcPct", "gcMaxMs", "joinP50Ms", "joinP95Ms", "joinP99Ms", "rttP95Ms", "serverCpuPct", "serverRssMb", "loadCpuPct", "errors", "ok",
];
for (const [name, run] of Object.entries(scenarios)) {
  if (only && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  const outcome = await run();
  report[name] = outcome;
  if (outcome.steps && outcome.steps.length > 0) {
    console.log(`\n| ${columns.join(" | ")} |\n|${columns.map(() => "---").join("|")}|`);
    for (const r of outcome.steps) console.log(`| ${columns.map((c) => String(r[c])).join(" | ")} |`);
  }
  console.log(`\n${name}: ${JSON.stringify(outcome.summary)}`);
}
mkdirSync(path.join(ROOT, "loadtest/results"), { recursive: true });
const file = path.join(ROOT, "loadtest/results", `bench-${smoke ? "smoke" : "full"}.json`);
writeFileSync(file, JSON.stringify(report, null, 2));
console.log(`\nwritten ${path.relative(ROOT, file)}`);
