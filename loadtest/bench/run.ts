/**
 * `npm run bench`: ramps clients against a bare Colyseus room and against arena's race room, in the
 * same run, on 127.0.0.1, the server pinned to one core and the load generator to another (where
 * `taskset` exists). Measures each step and prints a table; writes the figures as JSON.
 *
 *   npm run bench                       full ramp (a few minutes)
 *   npm run bench -- --smoke            a few seconds, small numbers (CI)
 *   npm run bench -- --targets=race --steps=500,1000,2000
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k ?? "", v ?? "true"];
  }),
);
const smoke = args.has("smoke");
const steps = (args.get("steps") ?? (smoke ? "40,80" : "500,1000,1500,2000,2500,3000,3500,4000,5000")).split(",").map(Number);
const holdMs = Number(args.get("hold") ?? (smoke ? 3000 : 8000));
const targets = (args.get("targets") ?? "bare,race").split(",") as Array<"bare" | "race">;
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Capacity: the largest step with loop-lag p99 under this and late ticks under this share. */
const LAG_P99_LIMIT_MS = 20;
const LATE_TICK_LIMIT = 0.005;

interface StepResult {
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
  joinP50Ms: number;
  joinP95Ms: number;
  joinP99Ms: number;
  serverCpuPct: number;
  serverRssMb: number;
  loadCpuPct: number;
  errors: number;
  ok: boolean;
}

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

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

async function startServer(target: "bare" | "race", port: number): Promise<ChildProcess> {
  const probe = path.join(ROOT, "loadtest/bench/probe.mjs");
  const command =
    target === "bare"
      ? [process.execPath, "--import", "tsx", "--import", probe, "loadtest/bench/bare-server.ts"]
      : [process.execPath, "--import", probe, ...(args.has("profile") ? ["--cpu-prof", "--cpu-prof-dir=loadtest/results/profiles"] : []), "server/dist/main.js"];
  const [bin, argv] = pinned(0, command);
  const child = spawn(bin, argv, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      DATABASE_URL,
      DATA_DIR: path.join(ROOT, "data", "bench"),
      HTTP_RATE_PER_MIN: "10000000",
      RACE_COUNTDOWN_MS: "500",
      RACE_LOBBY_TIMEOUT_MS: "60000",
      DRAIN_GRACE_S: "0",
      NODE_ENV: "production",
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret",
    },
  });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(d));
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/${target === "bare" ? "__healthcheck" : "ready"}`);
      if (res.ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${target} server did not start`);
}

async function scrapeTicks(port: number): Promise<{ total: number; late: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split("\n")
      .filter((l) => l.startsWith(`${name}{`))
      .reduce((acc, l) => acc + Number(l.split(" ").pop()), 0);
  return { total: sum("arena_ticks_total"), late: sum("arena_ticks_late_total") };
}

async function ramp(target: "bare" | "race"): Promise<StepResult[]> {
  const port = await freePort();
  const server = await startServer(target, port);
  const probes: Array<{ lagP99Ms: number; lagMaxMs: number; cpuPercent: number; rssBytes: number }> = [];
  let bareTicks = { total: 0, late: 0 };
  server.on("message", (m: { type: string } & Record<string, number>) => {
    if (m.type === "probe") probes.push(m as never);
    if (m.type === "ticks") bareTicks = { total: m.total ?? 0, late: m.late ?? 0 };
  });
  const [bin, argv] = pinned(1, [process.execPath, "--import", "tsx", "loadtest/bench/load-worker.ts"]);
  const worker = spawn(bin, argv, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const stats: Array<Record<string, number> & { joinMs: number[] }> = [];
  worker.on("message", (m: { type: string }) => {
    if (m.type === "stats") stats.push(m as never);
  });
  worker.send({
    type: "config",
    config: {
      url: `http://127.0.0.1:${port}`,
      mode: target,
      options: target === "race" ? { trackLength: 5000, maxPlayers: 8 } : {},
      inputsPerSecond: 10,
      startDelayMs: target === "race" ? 1200 : 0,
      roomSize: 8,
    },
  });

  const results: StepResult[] = [];
  let failures = 0;
  for (const clients of steps) {
    worker.send({ type: "scale", clients });
    // let the joins land and the rooms start, then measure a steady window
    const joinStart = stats.length;
    for (let i = 0; i < 600 && (stats.at(-1)?.clients ?? 0) < clients * 0.98; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2000));
    const joinMs = stats.slice(joinStart).flatMap((s) => s.joinMs);
    const from = { stats: stats.length, probes: probes.length, ticks: target === "race" ? await scrapeTicks(port) : bareTicks };
    await new Promise((r) => setTimeout(r, holdMs));
    const ticksNow = target === "race" ? await scrapeTicks(port) : bareTicks;
    const window = stats.slice(from.stats);
    const windowProbes = probes.slice(from.probes);
    const seconds = window.length || 1;
    const connected = mean(window.map((s) => s.clients));
    const ticked = ticksNow.total - from.ticks.total;
    const result: StepResult = {
      target,
      clients: Math.round(connected),
      rooms: Math.round(mean(window.map((s) => s.rooms))),
      msgsInPerSec: Math.round(window.reduce((a, s) => a + s.framesOut, 0) / seconds),
      msgsOutPerSec: Math.round(window.reduce((a, s) => a + s.framesIn, 0) / seconds),
      patchesPerClientPerSec: round(window.reduce((a, s) => a + s.patches, 0) / seconds / Math.max(1, connected)),
      bytesPerClientPerSec: Math.round(window.reduce((a, s) => a + s.bytesIn, 0) / seconds / Math.max(1, connected)),
      lagP99Ms: round(percentile(windowProbes.map((p) => p.lagP99Ms), 50)),
      lagMaxMs: round(Math.max(0, ...windowProbes.map((p) => p.lagMaxMs))),
      lateTickPct: round(ticked > 0 ? ((ticksNow.late - from.ticks.late) / ticked) * 100 : 0, 2),
      joinP50Ms: round(percentile(joinMs, 50)),
      joinP95Ms: round(percentile(joinMs, 95)),
      joinP99Ms: round(percentile(joinMs, 99)),
      serverCpuPct: Math.round(mean(windowProbes.map((p) => p.cpuPercent))),
      serverRssMb: Math.round(Math.max(0, ...windowProbes.map((p) => p.rssBytes)) / 2 ** 20),
      loadCpuPct: Math.round(mean(window.map((s) => s.loadCpuPct))),
      errors: window.reduce((a, s) => a + s.errors + s.joinFailures, 0),
      ok: false,
    };
    result.ok = result.lagP99Ms < LAG_P99_LIMIT_MS && result.lateTickPct < LATE_TICK_LIMIT * 100 && result.clients >= clients * 0.95;
    results.push(result);
    console.log(JSON.stringify(result));
    failures = result.ok ? 0 : failures + 1;
    if (failures >= 2) break;
  }
  worker.send({ type: "stop" });
  // SIGINT lets the server exit normally (and write its CPU profile with --profile)
  server.kill("SIGINT");
  const killer = setTimeout(() => server.kill("SIGKILL"), 15_000);
  await new Promise((r) => server.once("exit", r));
  clearTimeout(killer);
  return results;
}

const all: StepResult[] = [];
for (const target of targets) all.push(...(await ramp(target)));

const capacity = (target: string) => Math.max(0, ...all.filter((r) => r.target === target && r.ok).map((r) => r.clients));
const columns: Array<keyof StepResult> = [
  "target", "clients", "rooms", "msgsInPerSec", "msgsOutPerSec", "patchesPerClientPerSec", "bytesPerClientPerSec",
  "lagP99Ms", "lagMaxMs", "lateTickPct", "joinP50Ms", "joinP95Ms", "joinP99Ms", "serverCpuPct", "serverRssMb", "loadCpuPct", "errors", "ok",
];
console.log(`\n| ${columns.join(" | ")} |\n|${columns.map(() => "---").join("|")}|`);
for (const r of all) console.log(`| ${columns.map((c) => String(r[c])).join(" | ")} |`);
const summary = {
  at: new Date().toISOString(),
  node: process.version,
  pinned: hasTaskset,
  holdMs,
  capacity: Object.fromEntries(targets.map((t) => [t, capacity(t)])),
  ratio: capacity("bare") > 0 ? round(capacity("race") / capacity("bare"), 2) : null,
  steps: all,
};
console.log(`\ncapacity (lag p99 < ${LAG_P99_LIMIT_MS} ms, late ticks < ${LATE_TICK_LIMIT * 100} %): ${JSON.stringify(summary.capacity)}; race / bare = ${summary.ratio}`);
mkdirSync(path.join(ROOT, "loadtest/results"), { recursive: true });
const file = path.join(ROOT, "loadtest/results", `bench-${smoke ? "smoke" : "ramp"}.json`);
writeFileSync(file, JSON.stringify(summary, null, 2));
console.log(`written ${path.relative(ROOT, file)}`);
