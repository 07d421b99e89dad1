import { args, smoke, round, ramp, RACE_OF_8, type StepResult } from "../harness.js";

export async function capacity() {
  const steps = (args.get("steps") ?? (smoke ? "40,80" : "500,1000,1500,2000,2500,3000,3500,4000,4500,5000")).split(",").map(Number);
  const targets = (args.get("targets") ?? "bare,race").split(",");
  const raceEnv: Record<string, string> = args.has("patch-rate") ? { PATCH_RATE_HZ: args.get("patch-rate")! } : {};
  const bare = targets.includes("bare") ? await ramp("capacity", "bare", steps, {}) : [];
  const race = targets.includes("race") ? await ramp("capacity", "race", steps, RACE_OF_8, raceEnv) : [];
  const best = (rows: StepResult[]) => Math.max(0, ...rows.filter((r) => r.ok).map((r) => r.clients));
  const summary = { bare: best(bare), race: best(race), ratio: best(bare) > 0 ? round(best(race) / best(bare), 2) : null };
  return { steps: [...bare, ...race], summary };
}
