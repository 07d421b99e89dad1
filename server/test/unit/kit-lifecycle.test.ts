import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MatchLifecycle } from "../../src/kit/lifecycle.js";
import type { MatchResult } from "../../src/persistence/match-result.js";
import { createLogger } from "../../src/observability/logger.js";

class ManualTimers {
  time = 0;
  private pending: Array<{ at: number; callback: () => void; live: boolean }> = [];
  now() {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number) {
    const timer = { at: this.time + ms, callback, live: true };
    this.pending.push(timer);
    return { clear: () => void (timer.live = false) };
  }
  advance(ms: number) {
    this.time += ms;
    for (const timer of this.pending.filter((t) => t.live && t.at <= this.time)) {
      timer.live = false;
      timer.callback();
    }
  }
}

function lifecycle() {
  const timers = new ManualTimers();
  const submitted: MatchResult[] = [];
  const meters = { started: 0, ended: [] as string[] };
  const unit = new MatchLifecycle({
    timers,
    results: { submit: async (r) => void submitted.push(r) },
    meters: { started: () => void meters.started++, ended: (status) => void meters.ended.push(status) },
    log: () => createLogger("silent"),
    drainGraceMs: 2000,
    lingerMs: 500,
  });
  return { unit, timers, submitted, meters };
}

const result = (status: "completed" | "aborted") =>
  ({ matchId: "m", status, startedAt: new Date(0).toISOString(), endedAt: new Date(1000).toISOString() }) as MatchResult;

describe("match lifecycle", () => {
  it("hands the result over once and closes the room after the linger", () => {
    const { unit, timers, submitted, meters } = lifecycle();
    unit.start();
    timers.advance(1234);
    assert.equal(unit.elapsedMs(), 1234);
    let closed = 0;
    unit.end(result("completed"), () => void closed++);
    unit.end(result("completed"), () => void closed++);
    assert.equal(submitted.length, 1, "one result, however often the end is reported");
    timers.advance(499);
    assert.equal(closed, 0);
    timers.advance(1);
    assert.equal(closed, 1);
    assert.deepEqual(meters, { started: 1, ended: ["completed"] });
  });

  it("closes a lobby at once when the node drains", () => {
    const { unit } = lifecycle();
    let closed = 0;
    let stopped = 0;
    unit.drain(() => void closed++, () => void stopped++);
    assert.deepEqual([closed, stopped], [1, 0]);
  });

  it("lets a running match go on for the grace, then stops it; the room then closes without a linger", () => {
    const { unit, timers } = lifecycle();
    unit.start();
    let stopped = 0;
    unit.drain(() => assert.fail("a running match is not closed at once"), () => void stopped++);
    timers.advance(1999);
    assert.equal(stopped, 0);
    timers.advance(1);
    assert.equal(stopped, 1);
    let shutdown: boolean | undefined;
    unit.end(result("aborted"), (shuttingDown) => (shutdown = shuttingDown));
    timers.advance(0);
    assert.equal(shutdown, true);
  });

  it("does not stop a match that ended by itself within the grace", () => {
    const { unit, timers } = lifecycle();
    unit.start();
    let stopped = 0;
    unit.drain(() => {}, () => void stopped++);
    unit.end(result("completed"), () => {});
    timers.advance(5000);
    assert.equal(stopped, 0);
  });
});
