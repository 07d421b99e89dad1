/**
 * A match's life after the lobby: started, ended (the result handed to the results writer, the room
 * lingering so clients can read it), or ended early by a drain. No sockets: the room passes in what
 * to do at each step.
 */
import type { MatchOutcome } from "@arena/shared/kit/rules";
import type { ResultsSink } from "./services.js";
import type { Timers } from "./seats.js";
import type { MatchResult } from "../persistence/match-result.js";
import type { Logger } from "../observability/logger.js";

export interface LifecycleMeters {
  started(): void;
  ended(status: MatchOutcome["status"], seconds: number): void;
}

export interface LifecycleOptions {
  timers: Timers;
  results: ResultsSink;
  meters: LifecycleMeters;
  /** The room's logger (it knows its room id only once the room is created). */
  log: () => Logger;
  /** How long a running match may go on once the node drains. */
  drainGraceMs: number;
  /** How long a finished room stays open (not while draining). */
  lingerMs: number;
}

export type MatchPhase = "lobby" | "running" | "ended";

export class MatchLifecycle {
  private phaseNow: MatchPhase = "lobby";
  private draining = false;
  private startedAtMsValue = 0;
  private startedAt: Date | undefined;

  constructor(private readonly options: LifecycleOptions) {}

  get phase(): MatchPhase {
    return this.phaseNow;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Wall-clock start, for the stored result. */
  get startedAtDate(): Date | undefined {
    return this.startedAt;
  }

  /** When the match started on the monotonic clock. */
  get startedAtMs(): number {
    return this.startedAtMsValue;
  }

  /** Milliseconds since the start on the monotonic clock (the time of event-driven rules). */
  elapsedMs(): number {
    return this.options.timers.now() - this.startedAtMsValue;
  }

  start(): void {
    if (this.phaseNow !== "lobby") return;
    this.phaseNow = "running";
    this.startedAt = new Date();
    this.startedAtMsValue = this.options.timers.now();
    this.options.meters.started();
  }

  /**
   * The node drains (SIGTERM). A lobby closes at once (`closeNow`); a running match may finish
   * within the grace, then `stop` ends it where it stands (recorded as aborted).
   */
  drain(closeNow: () => void, stop: () => void): void {
    this.draining = true;
    if (this.phaseNow !== "running") {
      closeNow();
      return;
    }
    this.options.log().info({ graceMs: this.options.drainGraceMs }, "draining: the running match may finish");
    this.options.timers.setTimeout(() => {
      if (this.phaseNow !== "running") return;
      this.options.log().warn("drain grace over: ending the match as aborted");
      stop();
    }, this.options.drainGraceMs);
  }

  /**
   * The match is over: hands the result to the results writer (the room never waits for the
   * database), then closes the room after the linger (at once while draining).
   */
  end(result: MatchResult, close: (shuttingDown: boolean) => void): void {
    if (this.phaseNow === "ended") return;
    this.phaseNow = "ended";
    const seconds = Math.max(0, Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000;
    this.options.meters.ended(result.status, seconds);
    this.options.results.submit(result).then(
      () => this.options.log().info({ status: result.status }, "match result submitted"),
      (err: unknown) => this.options.log().error({ err }, "match result could not be submitted"),
    );
    const linger = this.draining ? 0 : this.options.lingerMs;
    this.options.timers.setTimeout(() => close(this.draining), linger);
  }
}
