import { spawnSync } from "node:child_process";
import { ROOT, smoke, DATABASE_URL } from "../harness.js";

export async function results() {
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
