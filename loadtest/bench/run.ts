/**
 * `npm run bench`: the Node benchmark. Everything on 127.0.0.1; the server pinned to core 0 and the
 * load generator (a separate process) to core 1 where `taskset` exists. Every scenario stops by
 * itself. Prints a table per scenario and writes all figures to loadtest/results/bench-*.json.
 *
 *   npm run bench                               every scenario, full size (several minutes)
 *   npm run bench -- --smoke                    every scenario, a few seconds each (CI)
 *   npm run bench -- --only=capacity --steps=1000,2000,3000
 *   npm run bench -- --node=22                  every server under test on Node 22
 *
 * Scenarios (one file each in loadtest/bench/scenarios/):
 *   capacity      ramp clients in rooms of 8 against the ws floor, a bare Colyseus room and arena's race
 *                 room from 250 up; capacity = largest step with loop lag p99 < 20 ms and late ticks
 *                 < 0.5 % (`--nodes=20,22`, `--compare-build=<checkout>`)
 *   message-cost  CPU per input message and per frame sent: race, bare room and ws floor at several rates
 *   ws-floor      a plain `ws` server (no Colyseus) carrying the bare room's and the race's traffic:
 *                 how much of a core the sockets alone take at the bare room's capacity and twice it
 *   join-burst    1,000 joins at a fresh server, fired at once and at fixed arrival rates: join p50/p95/p99
 *   join-cost     server CPU per join into race lobbies that do not tick vs a plain http + ws floor, Node 20 and 22
 *   join-storm    1,000 joins at one instant into racing rooms and into lobbies, Node 20 and 22: p95, failures, expired seats
 *   quiz-rooms    ramp live quiz rooms (2 players answering each question) until the loop lags
 *   bandwidth     a race of 8: bytes per client per second vs the JSON of the full state at the same rate
 *   results       match results written per second into PostgreSQL (loadtest/bench/results-bench.ts)
 *   memory        memory per client and per room of each mode (heap after a full GC and RSS at 0, N,
 *                 2N clients; lobby and running), and the plain ws floor's per socket
 *   sizing        Redis per join / room-second / match, PostgreSQL per result, wire bytes and CPU
 *                 per client of each mode: the figures of BENCHMARKS.md's sizing model
 *   soak          (only with --only=soak, or --smoke) two nodes on Redis, races and quizzes churning
 *                 for 30 minutes (--soak-minutes=):
 *                 memory, loop lag and Redis sampled every 10 s, slopes over the second half
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LAG_P99_LIMIT_MS, LATE_TICK_LIMIT_PCT, ROOT, args, hasTaskset, holdMs, only, smoke, type StepResult } from "./harness.js";
import { bandwidth } from "./scenarios/bandwidth.js";
import { capacity } from "./scenarios/capacity.js";
import { joinBurst } from "./scenarios/join-burst.js";
import { messageCost } from "./scenarios/message-cost.js";
import { joinCost } from "./scenarios/join-cost.js";
import { joinStorm } from "./scenarios/join-storm.js";
import { memory } from "./scenarios/memory.js";
import { quizRooms } from "./scenarios/quiz-rooms.js";
import { results } from "./scenarios/results.js";
import { sizing } from "./scenarios/sizing.js";
import { soak } from "./scenarios/soak.js";
import { wsFloor } from "./scenarios/ws-floor.js";

/** Every scenario, in the order a full run takes them; `--only=` picks some. */
const scenarios: Record<string, () => Promise<{ steps?: StepResult[]; summary: unknown }>> = {
  capacity,
  "ws-floor": wsFloor,
  "message-cost": messageCost,
  "join-burst": joinBurst,
  "join-cost": joinCost,
  "join-storm": joinStorm,
  "quiz-rooms": quizRooms,
  bandwidth,
  results,
  memory,
  sizing,
  soak,
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
/** Scenarios a full run leaves out (the 30-minute soak): they run with `--only=` or, short, with `--smoke`. */
const onlyWhenAsked = new Set(["soak"]);
for (const [name, run] of Object.entries(scenarios)) {
  if (only && !only.includes(name)) continue;
  if (!only && !smoke && onlyWhenAsked.has(name)) continue;
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
// `--report=NAME` writes bench-NAME.json (two smoke runs of different scenarios side by side)
const file = path.join(ROOT, "loadtest/results", `bench-${args.get("report") ?? (smoke ? "smoke" : "full")}.json`);
writeFileSync(file, JSON.stringify(report, null, 2));
console.log(`\nwritten ${path.relative(ROOT, file)}`);
