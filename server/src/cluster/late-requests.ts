import type { Logger } from "../observability/logger.js";

export interface LateRequestGuardOptions {
  /** True while this node reaches Redis. */
  linkUp: () => boolean;
  /** When the link last came back after an outage (0 if never). */
  recoveredAt: () => number;
  /** A request older than this has been given up by its sender (the matchmaking deadline, at most the IPC timeout). */
  givenUpAfterMs: number;
  logger: Logger;
  onDropped?: (count: number) => void;
}

/** After the link comes back or the loop resumes, requests buffered meanwhile arrive first: this long counts as "late". */
export const SETTLE_MS = 500;

/**
 * Drops inter-node requests (seat reservations, room creations, health checks) that reach this node
 * late: while it is cut off from Redis, in the first moments after it is back, or right after its
 * event loop stood still (SIGSTOP, a long GC pause). Redis and the sockets deliver such requests
 * once the node resumes, but their senders timed out long ago; answering would reserve seats nobody
 * takes (locking a lobby for the seat reservation time) or create rooms nobody joins (colyseus#978).
 * A node is not offered to others until the settling time is over (see NodeLiveness), so a request
 * sent to it in good faith is never dropped.
 */
export class LateRequestGuard {
  private lastTick = Date.now();
  /** When the timer found the event loop had stood still (the timer may run before the buffered requests). */
  private stalledAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;

  constructor(private readonly options: LateRequestGuardOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - this.lastTick > this.options.givenUpAfterMs) this.stalledAt = now;
      this.lastTick = now;
      if (this.dropped > 0 && !this.late()) this.summarise();
    }, 100);
    this.timer.unref();
  }

  /** True while requests arriving now may be stale. */
  late(now = Date.now()): boolean {
    if (!this.options.linkUp() || now - this.options.recoveredAt() < SETTLE_MS || now - this.stalledAt < SETTLE_MS) return true;
    return now - this.lastTick > this.options.givenUpAfterMs;
  }

  /** Wraps the handler of a request channel so late requests never reach Colyseus. */
  wrap<A extends unknown[]>(handler: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      if (this.late()) {
        this.dropped++;
        return;
      }
      handler(...args);
    };
  }

  private summarise(): void {
    this.options.logger.warn({ dropped: this.dropped }, "dropped requests that reached this node after their senders gave up");
    this.options.onDropped?.(this.dropped);
    this.dropped = 0;
  }
}
