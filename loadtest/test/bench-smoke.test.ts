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
  // a few seconds a scenario on fresh servers, about three minutes in all (scripts/run-tests.mjs allows a file 400 s)
  it("runs every scenario against real processes, stops by itself and writes its figures", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "loadtest/bench/run.ts", "--smoke", "--only=capacity,ws-floor,message-cost,join-burst,join-cost,join-storm,quiz-rooms,bandwidth,results"], {
      cwd: ROOT,
      env: process.env,
      encoding: "utf8",
      timeout: 360_000,
    });
    assert.equal(run.status, 0, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
    const report = JSON.parse(readFileSync(path.join(ROOT, "loadtest/results/bench-smoke.json"), "utf8")) as Record<string, { steps?: Step[]; summary: Record<string, unknown> }>;
    for (const scenario of ["capacity", "ws-floor", "message-cost", "join-burst", "join-cost", "join-storm", "quiz-rooms", "bandwidth", "results"]) assert.ok(report[scenario], `scenario ${scenario} reported`);
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
    // message-cost: every target measured at each input rate; the fit gives a CPU cost per client
    const points = report["message-cost"]!.steps!;
    for (const label of ["ws floor", "bare room", "race"]) {
      const rows = points.filter((s) => s.target.startsWith(`${label} `));
      assert.equal(rows.length, 2, `${label}: ${JSON.stringify(rows)}`);
      for (const row of rows) assert.ok(row.clients === 40 && row.msgsInPerSec > 0, JSON.stringify(row));
      const fit = report["message-cost"]!.summary[label] as { usPerClientSecond: number };
      assert.ok(fit.usPerClientSecond > 0 && fit.usPerClientSecond < 1_000_000, JSON.stringify(fit));
    }
    const bursts = report["join-burst"]!.summary as unknown as Array<{ joins: number; failures: number; arrivals: string }>;
    assert.deepEqual(bursts.map((b) => b.arrivals), ["all at once", "100/s"]);
    for (const burst of bursts) assert.ok(burst.joins === 100 && burst.failures === 0, JSON.stringify(burst));
    const cost = report["join-cost"]!.summary as unknown as { rows: Array<{ target: string; joins: number; usPerJoin: number; failures: number; idleCpuPct: number }> } & Record<string, number>;
    assert.deepEqual(cost.rows.map((r) => r.target), ["floor", "arena"]);
    for (const row of cost.rows) {
      // a join costs the server something, and less than the whole window
      assert.ok(row.joins > 50 && row.failures === 0, JSON.stringify(row));
      assert.ok(row.usPerJoin > 10 && row.usPerJoin < 100_000 && row.idleCpuPct >= 0, JSON.stringify(row));
    }
    const ratio = Object.entries(cost).find(([key]) => key.startsWith("ratioNode"))?.[1];
    assert.ok(typeof ratio === "number" && ratio > 0, JSON.stringify(cost));
    const storms = report["join-storm"]!.summary as unknown as Array<{ rooms: string; joins: number; failures: number; reservationsExpired: number; refused503: number; joinP95Ms: number }>;
    assert.equal(storms.length, 2, JSON.stringify(storms));
    for (const storm of storms) {
      assert.ok(storm.joins === 200 && storm.failures === 0 && storm.reservationsExpired === 0 && storm.refused503 === 0, JSON.stringify(storm));
      assert.ok(storm.joinP95Ms > 0, JSON.stringify(storm));
    }
    assert.ok(Number(report.bandwidth!.summary.bytesPerClientPerSec) > 0);
    assert.ok(Number(report.bandwidth!.summary.ratio) > 0 && Number(report.bandwidth!.summary.ratio) < 1);
    assert.ok(Number(report.results!.summary.resultsPerSecond) > 0);
  });
});
