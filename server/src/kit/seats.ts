/**
 * Lobby and seats: who holds which seat, when the match starts, and who may take a seat later.
 * The lobby waits for `minPlayers` humans, then `waitMs` for more (at once when every seat is
 * taken); a mode with bots seats them in the free seats at the start and lets a human take a
 * bot's seat while the match runs. Timers are passed in, so it is tested without a room.
 *
 * A match without bots takes nobody once it runs, so a player whose seat matchmaking reserved just
 * before the start would be turned away at the door. When the start comes with such players on
 * their way (`Arrivals`), the lobby closes to matchmaking and waits for them, `ARRIVAL_GRACE_MS` at
 * most.
 */
import type { LobbySeat, LobbyView } from "@arena/shared/kit/projection";
import type { SeatedPlayer } from "@arena/shared/kit/rules";
import type { LobbyPolicy } from "./server-mode.js";

export interface Timers {
  setTimeout(callback: () => void, ms: number): { clear(): void };
  /** Milliseconds, monotonic. */
  now(): number;
}

export interface Human {
  sessionId: string;
  playerId: string;
  name: string;
  seat: number;
  connected: boolean;
}

export type SeatPhase = "lobby" | "running" | "closed";

/** Players matchmaking has given a seat here who have not joined yet. */
export interface Arrivals {
  /** How many are on their way. */
  pending(): number;
  /** The start waits for them: take no more reservations. */
  hold(): void;
  /** The wait was called off (too few players left): reservations are welcome again. */
  release(): void;
}

/** Longest a start waits for reserved players: a client joins within tens of ms of its reservation, 1 s under load. */
export const ARRIVAL_GRACE_MS = 1000;

const NO_ARRIVALS: Arrivals = { pending: () => 0, hold: () => {}, release: () => {} };

export type TakeResult =
  | { ok: true; seat: number; duringMatch: boolean; replaced?: undefined }
  /** The player's own seat, held for a dropped connection, taken back by a fresh join. */
  | { ok: true; seat: number; duringMatch: false; replaced: string }
  | { ok: false; reason: string };

export class Seats {
  private readonly holders: Array<string | null>;
  private readonly humans = new Map<string, Human>();
  /** The last session of every player who held a seat, for results and messages after they left. */
  private readonly sessions = new Map<string, string>();
  private phaseNow: SeatPhase = "lobby";
  private timer: { clear(): void } | undefined;
  private startsAt = 0;
  /** The start is due and waits for reserved players, until this timer. */
  private grace: { clear(): void } | undefined;

  constructor(
    readonly policy: LobbyPolicy,
    private readonly timers: Timers,
    /** Called once, when the lobby closes and the match should start. */
    private readonly onStart: () => void,
    private readonly arrivals: Arrivals = NO_ARRIVALS,
  ) {
    this.holders = new Array<string | null>(policy.seats).fill(null);
  }

  get phase(): SeatPhase {
    return this.phaseNow;
  }

  /** Humans holding a seat now. */
  get count(): number {
    return this.humans.size;
  }

  human(sessionId: string): Human | undefined {
    return this.humans.get(sessionId);
  }

  /** The session of the human in `seat`, if a human holds it. */
  holderOf(seat: number): string | undefined {
    return this.holders[seat] ?? undefined;
  }

  /** The latest session of a player who held a seat in this room (also after leaving). */
  sessionOf(playerId: string): string | undefined {
    return this.sessions.get(playerId);
  }

  /** The session of every player who held a seat here (the key of their entry in the state). */
  keys(): Record<string, string> {
    return Object.fromEntries(this.sessions);
  }

  /** Humans seated now, by seat. */
  seated(): SeatedPlayer[] {
    return [...this.humans.values()].map(({ seat, playerId, name }) => ({ seat, playerId, name })).sort((a, b) => a.seat - b.seat);
  }

  /**
   * A human asks for a seat: in the lobby a free one, during the match a bot's (modes with bots).
   * `options` are the player's own join options, for the mode's choice of seat; `open` the seats the
   * mode lets a human take during the match (default: all).
   */
  take(sessionId: string, playerId: string, name: string, options?: unknown, open?: readonly number[]): TakeResult {
    if (this.phaseNow === "closed") return { ok: false, reason: "the match is over" };
    if (this.phaseNow === "running" && !this.policy.bots) return { ok: false, reason: "the match has started" };
    for (const human of this.humans.values()) {
      if (human.playerId !== playerId) continue;
      if (human.connected) return { ok: false, reason: "this player already holds a seat in this room" };
      return { ok: true, seat: human.seat, duringMatch: false, replaced: this.rekey(human, sessionId) };
    }
    const free: number[] = [];
    const openNow = this.phaseNow === "running" ? open : undefined;
    this.holders.forEach((holder, seat) => holder === null && (openNow === undefined || openNow.includes(seat)) && free.push(seat));
    const taken = [...this.humans.values()].map(({ seat }) => ({ seat }));
    const seat = free.length === 0 ? null : this.policy.chooseSeat ? this.policy.chooseSeat(free, taken, options) : free[0]!;
    if (seat === null || seat === undefined || this.holders[seat] !== null) return { ok: false, reason: openNow ? "no seat is open to a new player" : "every seat is held by a human" };
    this.holders[seat] = sessionId;
    this.humans.set(sessionId, { sessionId, playerId, name, seat, connected: true });
    this.sessions.set(playerId, sessionId);
    const duringMatch = this.phaseNow === "running";
    if (!duringMatch) this.update();
    return { ok: true, seat, duringMatch };
  }

  /** Moves a held seat to the player's new session; returns the old session. */
  private rekey(human: Human, sessionId: string): string {
    const old = human.sessionId;
    this.humans.delete(old);
    human.sessionId = sessionId;
    human.connected = true;
    this.humans.set(sessionId, human);
    this.holders[human.seat] = sessionId;
    this.sessions.set(human.playerId, sessionId);
    return old;
  }

  /** Marks a human's connection; false when the session holds no seat. */
  setConnected(sessionId: string, connected: boolean): Human | undefined {
    const human = this.humans.get(sessionId);
    if (human) human.connected = connected;
    return human;
  }

  /** A human gives up the seat (left, or the reconnection window ran out). */
  leave(sessionId: string): Human | undefined {
    const human = this.humans.get(sessionId);
    if (!human) return undefined;
    this.humans.delete(sessionId);
    this.holders[human.seat] = null;
    if (this.phaseNow === "lobby") this.update();
    return human;
  }

  /** The lobby as players see it. */
  view(): LobbyView {
    const seats: LobbySeat[] = [...this.humans.values()]
      .map(({ seat, sessionId, name, connected }) => ({ seat, key: sessionId, name, connected }))
      .sort((a, b) => a.seat - b.seat);
    const starting = this.timer !== undefined || this.grace !== undefined;
    return { phase: starting ? "starting" : "waiting", seats, startsInMs: starting ? Math.max(0, this.startsAt - this.timers.now()) : 0 };
  }

  /** The match is over: nobody takes a seat any more. */
  close(): void {
    this.clearTimer();
    this.clearGrace();
    this.phaseNow = "closed";
  }

  /**
   * Starts the match now if the lobby may (the node is draining, say, it may not: see `close`);
   * `waited`: the grace for reserved players is over, start without them.
   */
  private start(waited = false): void {
    if (this.phaseNow !== "lobby" || this.humans.size < Math.max(1, this.policy.minPlayers)) return;
    this.clearTimer();
    if (!this.policy.bots && !waited && this.arrivals.pending() > 0) {
      if (this.grace) return;
      this.arrivals.hold();
      this.startsAt = this.timers.now() + ARRIVAL_GRACE_MS;
      this.grace = this.timers.setTimeout(() => {
        this.grace = undefined;
        this.start(true);
      }, ARRIVAL_GRACE_MS);
      return;
    }
    this.clearGrace();
    this.phaseNow = "running";
    this.onStart();
  }

  private update(): void {
    const count = this.humans.size;
    if (this.grace) {
      // the start was due: it goes ahead once the players on their way are in, unless too few are left
      if (count >= Math.max(1, this.policy.minPlayers)) {
        this.start();
        return;
      }
      this.clearGrace();
      this.arrivals.release();
    }
    if (count >= Math.min(this.policy.seats, this.policy.startAt ?? this.policy.seats)) {
      this.start();
    } else if (count >= Math.max(1, this.policy.minPlayers)) {
      if (this.timer) return;
      if (this.policy.waitMs <= 0) {
        this.start();
        return;
      }
      this.startsAt = this.timers.now() + this.policy.waitMs;
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.start();
      }, this.policy.waitMs);
    } else {
      this.clearTimer();
    }
  }

  private clearTimer(): void {
    this.timer?.clear();
    this.timer = undefined;
  }

  private clearGrace(): void {
    this.grace?.clear();
    this.grace = undefined;
  }
}
