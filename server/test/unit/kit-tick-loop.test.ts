import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TickLoop, type IntervalTimers } from "../../src/kit/tick-loop.js";

class ManualIntervals implements IntervalTimers {
  time = 0;
  private callback: (() => void) | undefined;
  now() {
    return this.time;
  }
  setInterval(callback: () => void) {
    this.callback = callback;
    return { clear: () => void (this.callback = undefined) };
  }
  /** Fires the interval once, `ms` after the previous firing. */
  fire(ms: number) {
    this.time += ms;
    this.callback?.();
  }
}

describe("tick loop", () => {
  it("steps every tick, sends a patch every tick-rate / patch-rate ticks, and counts late ticks", () => {
    const timers = new ManualIntervals();
    const counts = { ticks: 0, late: 0, observed: 0 };
    const loop = new TickLoop(20, 10, timers, {
      ticks: { inc: () => void counts.ticks++ },
      lateTicks: { inc: () => void counts.late++ },
      tick: { observe: () => void counts.observed++ },
    });
    const events: string[] = [];
    loop.start(() => events.push("step"), () => events.push("patch"));
    timers.fire(50);
    timers.fire(50);
    timers.fire(120);
    assert.deepEqual(events, ["step", "step", "patch", "step"]);
    assert.deepEqual(counts, { ticks: 3, late: 1, observed: 3 });
    loop.stop();
    timers.fire(50);
    assert.equal(events.length, 4, "no step once stopped");
    assert.equal(loop.running, false);
  });

  it("never sends more patches than ticks", () => {
    const loop = new TickLoop(10, 30, new ManualIntervals(), { ticks: { inc() {} }, lateTicks: { inc() {} }, tick: { observe() {} } });
    assert.equal(loop.patchEvery, 1);
  });
});
