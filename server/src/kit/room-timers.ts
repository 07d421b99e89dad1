/**
 * The timers of one room, cleared together when the room goes away: a disposed room must never
 * run its lobby, deadline or linger callbacks.
 */
import type { Timers } from "./seats.js";

export class RoomTimers implements Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();

  now(): number {
    return performance.now();
  }

  setTimeout(callback: () => void, ms: number): { clear(): void } {
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      callback();
    }, Math.max(0, ms));
    this.pending.add(handle);
    return {
      clear: () => {
        clearTimeout(handle);
        this.pending.delete(handle);
      },
    };
  }

  setInterval(callback: () => void, ms: number): { clear(): void } {
    const handle = setInterval(callback, ms);
    this.intervals.add(handle);
    return {
      clear: () => {
        clearInterval(handle);
        this.intervals.delete(handle);
      },
    };
  }

  clearAll(): void {
    for (const handle of this.pending) clearTimeout(handle);
    for (const handle of this.intervals) clearInterval(handle);
    this.pending.clear();
    this.intervals.clear();
  }
}
