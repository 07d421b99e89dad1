/**
 * A stored match as a timeline that can be sought: it is re-run once through the pure rules, with a
 * copy of the rules state (structuredClone) every `snapshotEveryMs` of match time, so any point is
 * at most that much re-running away from a snapshot. Browser-safe: the replay viewer seeks with it.
 */
import { ReplayMismatch, type LoggedInput, type MatchClock, type MatchSetup, type ModeRules, type Time } from "./rules.js";

/**
 * Follows the match as it is re-run, into a digest of plain data that is kept in the snapshots with
 * the state (the viewer keeps the last message of each kind there, so a view mounted after a seek
 * gets the round result or reveal that was on show).
 */
export interface TimelineObserver<S, E, D> {
  /** The digest at the start of the match. */
  start(state: S): D;
  /** After each input, tick or deadline that produced events, with the state right after it. */
  step(digest: D, events: readonly E[], state: S): void;
}

export interface TimelineOptions<S, E, D> {
  /** Match time between two snapshots; the most a seek re-runs. */
  snapshotEveryMs: number;
  observer?: TimelineObserver<S, E, D>;
  /** A bound on the steps of the first run, so broken rules cannot hang it. */
  maxSteps?: number;
}

/** A point of the timeline: the rules state there (inputs at that time applied), and the digest. */
interface Point<S, D> {
  time: Time;
  /** Index of the next input of the log to apply. */
  next: number;
  state: S;
  digest: D;
}

const noObserver: TimelineObserver<unknown, unknown, undefined> = { start: () => undefined, step: () => {} };

/** The host's structured clone (browsers and Node have one; the ES library types do not declare it). */
const host = globalThis as unknown as { structuredClone<T>(value: T): T };
const clone = <T>(value: T): T => host.structuredClone(value);

/** What a cursor needs of the runner: to move its point, and to know when the match is over. */
interface Mover<S, D> {
  isOver(point: Point<S, D>): boolean;
  forward(point: Point<S, D>, to: Time): boolean;
}

/** Moves points of one match forward, step by step as the room took them: an input, a tick, the deadlines due. */
class Runner<S, M, E, D> implements Mover<S, D> {
  constructor(
    private readonly rules: ModeRules<unknown, S, M, E>,
    readonly clock: MatchClock,
    private readonly log: ReadonlyArray<LoggedInput<M>>,
    private readonly observer: TimelineObserver<S, E, D>,
  ) {}

  isOver(point: Point<S, D>): boolean {
    return this.rules.isOver(point.state);
  }

  /** Moves `point` to `to` (no further than the match's end); true when an event match is left with nothing to happen. */
  forward(point: Point<S, D>, to: Time): boolean {
    const { rules } = this;
    if (this.clock.kind === "tick") {
      while (!rules.isOver(point.state)) {
        const now = rules.now(point.state);
        if (this.nextInputAt(point) <= Math.min(now, to)) this.applyInput(point);
        else if (now < to) this.observe(point, rules.advance(point.state, now + 1));
        else break;
      }
      point.time = Math.min(Math.max(point.time, to), rules.now(point.state));
      return false;
    }
    let stalled = false;
    while (!rules.isOver(point.state)) {
      const input = this.nextInputAt(point);
      const deadline = rules.nextDeadline(point.state) ?? Number.POSITIVE_INFINITY;
      // a deadline due at an input's time fires first: the room advances before it applies
      if (deadline <= to && deadline <= input) this.observe(point, rules.advance(point.state, deadline));
      else if (input <= to) this.applyInput(point);
      else {
        this.observe(point, rules.advance(point.state, to));
        stalled = deadline === Number.POSITIVE_INFINITY && input === Number.POSITIVE_INFINITY;
        break;
      }
    }
    point.time = rules.isOver(point.state) ? Math.min(Math.max(point.time, to), rules.now(point.state)) : Math.max(point.time, to);
    return stalled;
  }

  private nextInputAt(point: Point<S, D>): Time {
    return this.log[point.next]?.[0] ?? Number.POSITIVE_INFINITY;
  }

  private applyInput(point: Point<S, D>): void {
    const [at, input] = this.log[point.next]!;
    if (this.clock.kind === "event") this.observe(point, this.rules.advance(point.state, at));
    const step = this.rules.apply(point.state, input, at);
    if (step.refused) throw new ReplayMismatch(`input ${JSON.stringify(input)} at ${at} was refused: ${step.code} ${step.message}`);
    point.next++;
    this.observe(point, step);
  }

  private observe(point: Point<S, D>, step: { state: S; events: E[] }): void {
    point.state = step.state;
    if (step.events.length > 0) this.observer.step(point.digest, step.events, point.state);
  }
}

export class MatchTimeline<Settings, S, M, E, D = undefined> {
  readonly clock: MatchClock;
  /** The time the match is over at (its last tick, or the ms of its last deadline or input). */
  readonly end: Time;
  private readonly snapshots: Array<Point<S, D>> = [];
  private readonly runner: Runner<S, M, E, D>;

  constructor(rules: ModeRules<Settings, S, M, E>, setup: MatchSetup<Settings>, log: ReadonlyArray<LoggedInput<M>>, options: TimelineOptions<S, E, D>) {
    this.clock = rules.clock(setup.settings);
    const observer = options.observer ?? (noObserver as unknown as TimelineObserver<S, E, D>);
    this.runner = new Runner(rules as ModeRules<unknown, S, M, E>, this.clock, log, observer);
    const every = Math.max(1, this.fromMs(options.snapshotEveryMs));
    const state = rules.create(setup);
    const point: Point<S, D> = { time: 0, next: 0, state, digest: observer.start(state) };
    this.snapshots.push(clone(point));
    const maxSteps = options.maxSteps ?? 10_000_000;
    for (let steps = 0; !this.runner.isOver(point) && steps < maxSteps; steps++) {
      // an event match with nothing left to happen and no end ends where it stands
      if (this.runner.forward(point, point.time + every)) break;
      this.snapshots.push(clone(point));
    }
    this.end = point.time;
  }

  /** How many snapshots the first run kept. */
  get snapshotCount(): number {
    return this.snapshots.length;
  }

  /** Milliseconds since the start of a point of the rules' time. */
  toMs(time: Time): number {
    return this.clock.kind === "tick" ? (time * 1000) / this.clock.hz : time;
  }

  /** The rules' time at `ms` since the start (the tick that is on then). */
  fromMs(ms: number): Time {
    return this.clock.kind === "tick" ? Math.floor((ms * this.clock.hz) / 1000 + 1e-9) : ms;
  }

  /** A cursor at `to` (held to the timeline): a copy of the nearest snapshot before it, re-run up to it. */
  seek(to: Time): TimelineCursor<S, D> {
    const target = Math.max(0, Math.min(to, this.end));
    const cursor = new TimelineCursor(this.runner, clone(this.snapshots[this.lastSnapshotAtOrBefore(target)]!));
    cursor.forward(target);
    return cursor;
  }

  private lastSnapshotAtOrBefore(time: Time): number {
    let low = 0;
    let high = this.snapshots.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.snapshots[mid]!.time <= time) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/** A position on a timeline that plays forward: the viewer's playhead between two seeks. */
export class TimelineCursor<S, D> {
  constructor(
    private readonly runner: Mover<S, D>,
    private readonly point: Point<S, D>,
  ) {}

  get time(): Time {
    return this.point.time;
  }

  /** The rules state here. The rules change it in place as the cursor moves: copy what you keep. */
  get state(): S {
    return this.point.state;
  }

  get digest(): D {
    return this.point.digest;
  }

  get over(): boolean {
    return this.runner.isOver(this.point);
  }

  /** Moves forward to `to` (no further than the match's end), step by step as the room did. */
  forward(to: Time): void {
    this.runner.forward(this.point, to);
  }
}
