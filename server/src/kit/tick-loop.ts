/**
 * The fixed tick of a ticking mode: runs the step at TICK_RATE_HZ and sends the state patch every
 * TICK_RATE_HZ / PATCH_RATE_HZ ticks, right after a step (one timer per room instead of two, and
 * clients get the state as soon as it is computed; fewer patches than ticks is the biggest saving
 * there is, since most server time goes to socket writes). A tick that comes more than one and a
 * half intervals after the previous one counts as late: the event loop was too busy.
 */
export interface TickMeters {
  tick: { observe(seconds: number): void };
  ticks: { inc(): void };
  lateTicks: { inc(): void };
}

export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): { clear(): void };
  now(): number;
}

export class TickLoop {
  private handle: { clear(): void } | undefined;
  readonly intervalMs: number;
  readonly patchEvery: number;

  constructor(
    tickRateHz: number,
    patchRateHz: number,
    private readonly timers: IntervalTimers,
    private readonly meters: TickMeters,
  ) {
    this.intervalMs = 1000 / tickRateHz;
    this.patchEvery = Math.max(1, Math.round(tickRateHz / Math.min(patchRateHz, tickRateHz)));
  }

  get running(): boolean {
    return this.handle !== undefined;
  }

  start(step: () => void, patch: () => void): void {
    this.stop();
    let previous = this.timers.now();
    let ticks = 0;
    this.handle = this.timers.setInterval(() => {
      const start = this.timers.now();
      if (start - previous > this.intervalMs * 1.5) this.meters.lateTicks.inc();
      previous = start;
      step();
      if (++ticks % this.patchEvery === 0) patch();
      this.meters.ticks.inc();
      this.meters.tick.observe((this.timers.now() - start) / 1000);
    }, this.intervalMs);
  }

  stop(): void {
    this.handle?.clear();
    this.handle = undefined;
  }
}
