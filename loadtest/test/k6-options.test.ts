// The parts of the k6 layer that need no k6 runtime: options from the environment and the summary.
// (The rest imports k6 modules; it is typechecked against @types/k6 by loadtest/k6/tsconfig.json.)
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// k6 gives scripts their -e variables as __ENV; config.js reads it when loaded
globalThis.__ENV = { ARENA_URL: "http://10.1.2.3:2567", STAGES: "10s:5, 1m:50,20s:0", PLAY_S: "60", JOIN_P95_MS: "800" };
const { parseStages, scriptOptions, settings } = await import("../k6/lib/config.js");
const { summaryHandler, summaryPath } = await import("../k6/lib/summary.js");
const RESULTS = fileURLToPath(new URL("../results/", import.meta.url));

describe("k6 options", () => {
  it("builds a ramping-vus scenario and the thresholds from the environment", () => {
    assert.equal(settings.baseUrl, "http://10.1.2.3:2567");
    const options = scriptOptions("war");
    assert.deepEqual(options.scenarios, {
      war: {
        executor: "ramping-vus",
        startVUs: 0,
        stages: [
          { duration: "10s", target: 5 },
          { duration: "1m", target: 50 },
          { duration: "20s", target: 0 },
        ],
        gracefulRampDown: "90s",
        gracefulStop: "90s",
      },
    });
    const thresholds = options.thresholds ?? {};
    assert.deepEqual(thresholds.arena_join_ms, ["p(95)<800"]);
    assert.deepEqual(thresholds.arena_errors, ["rate<0.01"]);
    assert.deepEqual(thresholds.arena_rtt_ms, ["p(95)<100"]);
    assert.deepEqual(thresholds["arena_game_errors{expected:false}"], ["count<=0"]);
    assert.deepEqual(thresholds["arena_game_errors{code:RATE_LIMITED}"], ["count>=0"]);
    assert.deepEqual(thresholds["arena_errors{stage:close}"], ["rate>=0"]);
  });

  it("refuses stages it cannot read", () => {
    assert.throws(() => parseStages("30s"), /duration:vus/);
    assert.throws(() => parseStages("30s:ten"), /duration:vus/);
  });
});

describe("k6 summary", () => {
  it("writes the JSON summary to the results folder and a short text to stdout", () => {
    const data = {
      state: { testRunDurationMs: 95_000 },
      metrics: {
        arena_join_ms: { type: "trend", values: { avg: 40, med: 35, "p(95)": 120, "p(99)": 300, max: 410, count: 800 }, thresholds: { "p(95)<500": { ok: true } } },
        arena_rtt_ms: { type: "trend", values: { avg: 3, med: 2, "p(95)": 150, "p(99)": 190, max: 200, count: 9000 }, thresholds: { "p(95)<100": { ok: false } } },
        arena_errors: { type: "rate", values: { rate: 0.0025, passes: 2, fails: 798 }, thresholds: { "rate<0.01": { ok: true } } },
        "arena_errors{stage:close}": { type: "rate", values: { rate: 0.01, passes: 2, fails: 198 }, thresholds: { "rate>=0": { ok: true } } },
        "arena_game_errors{code:WRONG_PHASE}": { type: "counter", values: { count: 40, rate: 0.4 }, thresholds: { "count>=0": { ok: true } } },
        "arena_game_errors{code:LATE_ANSWER}": { type: "counter", values: { count: 0, rate: 0 }, thresholds: { "count>=0": { ok: true } } },
        arena_patches: { type: "counter", values: { count: 190_000, rate: 2000 } },
        arena_bytes_received: { type: "counter", values: { count: 20 * 1048576, rate: 220_000 } },
      },
    };
    const outputs = summaryHandler("race")(data);
    const file = path.join(RESULTS, "race-summary.json");
    assert.deepEqual(Object.keys(outputs).sort(), [file, "stdout"]);
    assert.deepEqual(JSON.parse(outputs[file]!), data);
    const text = outputs.stdout!;
    assert.match(text, /arena race load test, 95 s/);
    assert.match(text, /✓ arena_join_ms p\(95\)<500/);
    assert.match(text, /✗ arena_rtt_ms p\(95\)<100/);
    assert.doesNotMatch(text, />=0/, "the listing-only thresholds are not shown as thresholds");
    assert.match(text, /arena_errors\s+0\.25% \(2 of 800\)/);
    assert.match(text, /arena_bytes_received\s+20\.00 MiB/);
    assert.match(text, /arena_game_errors\{code:WRONG_PHASE\}\s+40/);
    assert.doesNotMatch(text, /LATE_ANSWER/, "tagged counts that stayed at zero are left out");
    assert.ok(text.endsWith(`JSON summary: ${file}\n`), text.slice(-120));
  });

  it("writes to the repository's loadtest/results from any working directory, SUMMARY_PATH as given", () => {
    const cwd = process.cwd();
    try {
      process.chdir(tmpdir());
      assert.equal(summaryPath("war"), path.join(RESULTS, "war-summary.json"));
      globalThis.__ENV.SUMMARY_PATH = "out/war.json";
      const outputs = summaryHandler("war")({});
      assert.ok("out/war.json" in outputs);
      assert.match(outputs.stdout!, /JSON summary: out\/war.json \(relative to the working directory\)\n$/);
    } finally {
      delete globalThis.__ENV.SUMMARY_PATH;
      process.chdir(cwd);
    }
  });
});
