#!/usr/bin/env node
// Runs every *.test.ts under the packages with node:test (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [filter...]   e.g. `npm test -- race` runs files whose path contains "race".
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const roots = ["server/test", "loadtest/test"];
const filters = process.argv.slice(2);

function walk(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(full).isDirectory()) out = out.concat(walk(full));
    else if (name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

// TEST_SKIP=a,b leaves out files whose path contains one of them (CI's second Node skips the benchmark smoke runs)
const skips = (process.env.TEST_SKIP ?? "").split(",").filter(Boolean);
const files = roots
  .flatMap(walk)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .filter((f) => !skips.some((x) => f.includes(x)))
  .sort();
if (skips.length > 0) console.log(`TEST_SKIP: leaving out files matching ${skips.join(", ")}`);
if (files.length === 0) {
  console.error("no test files matched", filters);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? "2";
// node:test applies the timeout to each file's run as a whole too: the benchmark smoke files take
// up to about three minutes on a slow day, so the limit is above that (a hung test still ends)
const timeoutMs = 400_000;
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, "--test-reporter=spec", ...files],
  { stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } },
);
process.exit(result.status ?? 1);
