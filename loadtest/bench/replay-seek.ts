/**
 * How fast the replay viewer seeks: the same code the browser bundles (`@arena/shared`'s timeline,
 * rules and projection), run in Node. A 10-minute war of 12 seats (6 humans walking, 6 bots) and a
 * race of 8 over 5 km are played once through their rules to get an input log; then, for several
 * snapshot intervals, it prints the first run (what the page does when it opens a replay), the
 * snapshots kept, and the time to seek to random points and to the worst point (just before a
 * snapshot), plus what the page does after each seek: a fresh schema state projected from it.
 *
 *   npx tsx loadtest/bench/replay-seek.ts [--seeks=200] [--json]
 */
import type { ProjectionContext } from "@arena/shared/kit/projection";
import { Rng } from "@arena/shared/kit/random";
import { MatchTimeline } from "@arena/shared/kit/timeline";
import { play, race, war, type Messages, type Scenario } from "./replay-scenarios.js";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const SEEKS = arg("seeks", 200);
const INTERVALS_MS = [1_000, 2_000, 5_000, 10_000, 30_000, Number.POSITIVE_INFINITY];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

/** What the page does after a seek: a fresh schema state, the rules state projected into it. */
function project(scenario: Scenario, state: unknown): void {
  const context: ProjectionContext = { keyOf: (playerId) => playerId, connected: () => true, now: scenario.rules.now(state) };
  const view = scenario.projection.create(scenario.setup.seed, scenario.setup.settings, "bench");
  scenario.projection.project(view, state, context);
}

function measure(scenario: Scenario) {
  const log = play(scenario);
  const { rules, setup } = scenario;
  const stored = rules.codec ? log.map(([at, input]) => [at, rules.codec!.encode(input)]) : log;
  const rows = [];
  for (const every of INTERVALS_MS) {
    const options = { snapshotEveryMs: every === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER : every };
    const builds: number[] = [];
    let timeline!: MatchTimeline<unknown, unknown, Messages, unknown>;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      timeline = new MatchTimeline(rules, setup, log, options);
      builds.push(performance.now() - started);
    }
    const rng = new Rng(99);
    const seekAt = () => timeline.fromMs(rng.float() * timeline.toMs(timeline.end));
    for (let i = 0; i < 20; i++) timeline.seek(seekAt()); // warm-up
    const seeks: number[] = [];
    const projections: number[] = [];
    for (let i = 0; i < SEEKS; i++) {
      const started = performance.now();
      const cursor = timeline.seek(seekAt());
      const sought = performance.now();
      project(scenario, cursor.state);
      seeks.push(sought - started);
      projections.push(performance.now() - sought);
    }
    // the longest re-run: just before the next snapshot (or the end, without snapshots)
    const step = every === Number.POSITIVE_INFINITY ? timeline.end : timeline.fromMs(every);
    const worstAt = Math.min(timeline.end, step) - (timeline.clock.kind === "tick" ? 1 : 0.001);
    const worst: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      timeline.seek(worstAt);
      worst.push(performance.now() - started);
    }
    seeks.sort((a, b) => a - b);
    projections.sort((a, b) => a - b);
    worst.sort((a, b) => a - b);
    const snapshotBytes = JSON.stringify(timeline.seek(0).state).length * timeline.snapshotCount;
    rows.push({
      snapshotEveryMs: every,
      buildMs: Math.min(...builds),
      snapshots: timeline.snapshotCount,
      snapshotKiB: Math.round(snapshotBytes / 1024),
      seekP50Ms: quantile(seeks, 0.5),
      seekP95Ms: quantile(seeks, 0.95),
      seekMaxMs: seeks.at(-1)!,
      worstSeekMs: quantile(worst, 0.5),
      projectP50Ms: quantile(projections, 0.5),
      projectMaxMs: projections.at(-1)!,
    });
  }
  const whole = new MatchTimeline(rules, setup, log, { snapshotEveryMs: Number.MAX_SAFE_INTEGER });
  return { scenario: scenario.name, durationS: whole.toMs(whole.end) / 1000, inputs: log.length, storedLogKiB: Math.round(JSON.stringify(stored).length / 1024), rows };
}

const results = [war, race].map(measure);
if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ node: process.version, seeks: SEEKS, results }));
} else {
  console.log(`replay seek benchmark · Node ${process.version} · ${SEEKS} random seeks per row (clone of the nearest snapshot + re-run), then a fresh projection`);
  for (const result of results) {
    console.log(`\n${result.scenario}: ${result.durationS.toFixed(0)} s of match, ${result.inputs} inputs (${result.storedLogKiB} KiB stored)`);
    console.log("snapshot every | first run | snapshots (≈KiB) | seek p50 | p95 | max | worst point | project p50 | max");
    for (const r of result.rows) {
      const every = r.snapshotEveryMs === Number.POSITIVE_INFINITY ? "none" : `${r.snapshotEveryMs / 1000} s`;
      console.log(
        `${every.padStart(14)} | ${ms(r.buildMs).padStart(6)} ms | ${String(r.snapshots).padStart(5)} (${String(r.snapshotKiB).padStart(6)}) | ${ms(r.seekP50Ms).padStart(6)} ms | ${ms(r.seekP95Ms).padStart(6)} | ${ms(r.seekMaxMs).padStart(6)} | ${ms(r.worstSeekMs).padStart(8)} ms | ${ms(r.projectP50Ms).padStart(6)} ms | ${ms(r.projectMaxMs)}`,
      );
    }
  }
}
