/**
 * Capacity: ramps clients in rooms of 8 against the plain `ws` floor carrying the race's traffic
 * (10 frames in and 10 out per client and second), the bare Colyseus room and arena's race;
 * capacity = the largest step that holds (loop lag p99 < 20 ms, late ticks < 0.5 %). The ramp starts
 * low (250) so every target finds one. `--nodes=20,22` ramps every target on each Node in the same
 * run; `--compare-build=<dir>` adds the race of another built checkout (a commit before a change),
 * with `--compare-db=<url>` as its database.
 */
import path from "node:path";
import { spawnSync } from "node:child_process";
import { args, nodeBinary, smoke, round, ramp, RACE_OF_8, type StepResult } from "../harness.js";

const best = (rows: StepResult[]) => Math.max(0, ...rows.filter((r) => r.ok).map((r) => r.clients));
const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);

export async function capacity() {
  const steps = (args.get("steps") ?? (smoke ? "40" : "250,500,750,1000,1250,1500,1750,2000,2500,3000,3500,4000")).split(",").map(Number);
  const targets = (args.get("targets") ?? (smoke ? "bare,race" : "floor,bare,race")).split(",");
  const nodes = (args.get("nodes") ?? process.versions.node.split(".")[0]!).split(",");
  const raceEnv: Record<string, string> = args.has("patch-rate") ? { PATCH_RATE_HZ: args.get("patch-rate")! } : {};
  const compareDir = args.get("compare-build");
  const rows: StepResult[] = [];
  const summary: Record<string, Record<string, number | string | null>> = {};
  for (const major of nodes) {
    const node = nodeBinary(major);
    const suffix = nodes.length > 1 ? ` (Node ${major})` : "";
    const floor = targets.includes("floor") ? await ramp("capacity", "floor", steps, {}, { FLOOR_OUT_HZ: "10" }, `floor${suffix}`, { node }) : [];
    const bare = targets.includes("bare") ? await ramp("capacity", "bare", steps, {}, {}, `bare${suffix}`, { node }) : [];
    const race = targets.includes("race") ? await ramp("capacity", "race", steps, RACE_OF_8, raceEnv, `race${suffix}`, { node }) : [];
    const compared = compareDir ? await ramp("capacity", "race", steps, RACE_OF_8, { ...raceEnv, ...(args.has("compare-db") ? { DATABASE_URL: args.get("compare-db")! } : {}) }, `race ${commitOf(compareDir)}${suffix}`, { node, cwd: compareDir }) : [];
    rows.push(...floor, ...bare, ...race, ...compared);
    summary[`node${major}`] = {
      floor: targets.includes("floor") ? best(floor) : null,
      bare: best(bare),
      race: best(race),
      ratio: ratio(best(race), best(bare)),
      raceVsFloor: targets.includes("floor") ? ratio(best(race), best(floor)) : null,
      ...(compareDir ? { compared: best(compared), compareBuild: commitOf(compareDir), raceVsCompared: ratio(best(race), best(compared)) } : {}),
    };
  }
  return { steps: rows, summary: nodes.length === 1 ? summary[`node${nodes[0]}`]! : summary };
}

function commitOf(dir: string): string {
  const head = spawnSync("git", ["-C", path.resolve(dir), "rev-parse", "--short", "HEAD"], { encoding: "utf8" });
  return head.status === 0 ? head.stdout.trim() : path.basename(dir);
}
