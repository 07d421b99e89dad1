import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Step {
  target: string;
  clients: number;
  msgsInPerSec: number;
  msgsOutPerSec: number;
  lagP99Ms: number;
}

/**
 * A short run of the benchmark's scenarios (a few seconds each), as CI runs it: it must finish and
 * report figures. The sizing scenarios (memory, sizing, soak) are in bench-smoke-sizing.test.ts: a
 * test file has 180 s in the suite.
 */
describe("benchmark smoke run (npm run bench -- --smoke)", () => {
  it("runs every scenario against real processes, stops by itself and writes its figures", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "loadtest/bench/run.ts", "--smoke", "--only=capacity,ws-floor,join-burst,quiz-rooms,bandwidth,results"], {
      cwd: ROOT,
      env: process.env,
      encoding: "utf8",
      timeout: 240_000,
    });
    assert.equal(run.status, 0, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
    const report = JSON.parse(readFileSync(path.join(ROOT, "loadtest/results/bench-smoke.json"), "utf8")) as Record<string, { steps?: Step[]; summary: Record<string, unknown> }>;
    for (const scenario of ["capacity", "ws-floor", "join-burst", "quiz-rooms", "bandwidth", "results"]) assert.ok(report[scenario], `scenario ${scenario} reported`);
    const steps = report.capacity!.steps!;
    for (const target of ["bare", "race"]) {
      const rows = steps.filter((s) => s.target === target);
      assert.ok(rows.length >= 1, `${target} measured`);
      for (const row of rows) {
        assert.ok(row.clients > 0 && row.msgsInPerSec > 0 && row.msgsOutPerSec > 0, JSON.stringify(row));
        assert.ok(Number.isFinite(row.lagP99Ms));
      }
    }
    const floor = report["ws-floor"]!.steps!;
    assert.deepEqual(floor.map((s) => s.target), ["ws floor, 20 out/s", "ws floor, 10 out/s"]);
    for (const row of floor) assert.ok(row.clients === 40 && row.msgsInPerSec > 0 && row.msgsOutPerSec > 0, JSON.stringify(row));
    const bursts = report["join-burst"]!.summary as unknown as Array<{ joins: number; failures: number; arrivals: string }>;
    assert.deepEqual(bursts.map((b) => b.arrivals), ["all at once", "100/s"]);
    for (const burst of bursts) assert.ok(burst.joins === 100 && burst.failures === 0, JSON.stringify(burst));
    assert.ok(Number(report.bandwidth!.summary.bytesPerClientPerSec) > 0);
    assert.ok(Number(report.bandwidth!.summary.ratio) > 0 && Number(report.bandwidth!.summary.ratio) < 1);
    assert.ok(Number(report.results!.summary.resultsPerSecond) > 0);
  });
});
