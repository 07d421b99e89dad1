/**
 * Admission control for seat-seeking matchmaking: a node refuses a join it cannot serve within
 * the seat reservation time, instead of handing out a seat that expires before its WebSocket join
 * gets through (the client then fails after having waited, and the node has spent a reservation).
 *
 * What a new request waits for is every join ahead of it: the matchmaking requests this node has
 * accepted and not answered, and the reservations it gave out that have not joined yet. Divided by
 * the rate at which the node served joins recently, that is its expected wait. The rate is measured,
 * not configured: the last `rateSamples` joins served over the *busy* time they took (time with
 * joins waiting), so an idle spell does not make a node look slow, a storm after it is judged by
 * what the node did under load, and a storm's own joins replace older figures within a fraction of
 * a second. A node whose event loop is busy less than 80 % of the time admits whatever its backlog
 * (the backlog may be reservations nobody uses). Until the node has served `MIN_SAMPLES` joins there is nothing to judge by and it
 * admits every join (a fresh node serves the first storm it gets as well as it can).
 *
 * A refused request is told when to come back (Retry-After, whole seconds), and those seconds are
 * handed out so that no second gets more returning joins than the node serves within the wait it
 * allows: refused in a storm, clients return spread over the following seconds instead of as a
 * second storm.
 */
export interface AdmissionOptions {
  /** How long a reservation stays valid (Colyseus' seatReservationTimeout), ms. */
  seatReservationMs: number;
  /** The share of the reservation time a new join's expected wait may take. */
  maxWaitShare: number;
  /** How many of the latest joins served the serve rate is measured over. */
  rateSamples: number;
}

/** Below this share of its time busy (event-loop utilisation) a node has room for more: it admits. */
const BUSY_SHARE = 0.8;

/**
 * The event loop's utilisation over the last quarter second or so: what the node really does. A
 * backlog can be made of reservations nobody will use (clients that matchmade and never connect);
 * a node that is not busy is not overloaded, whatever its backlog says.
 */
export function eventLoopBusyShare(): () => number {
  let mark = performance.eventLoopUtilization();
  let share = 0;
  let at = performance.now();
  return () => {
    const now = performance.now();
    if (now - at >= 250) {
      const current = performance.eventLoopUtilization();
      share = performance.eventLoopUtilization(current, mark).utilization;
      mark = current;
      at = now;
    }
    return share;
  };
}

export type Verdict = { admitted: true } | { admitted: false; expectedWaitMs: number; retryAfterS: number };

/** Joins served before the rate counts. */
const MIN_SAMPLES = 20;

export class JoinAdmission {
  private pending = 0;
  /**
   * Reservations given out and not joined yet: session → when. One counts as work ahead while it is
   * younger than four times the longest a recent join took from its reservation to its WebSocket
   * join (at least 250 ms, at most the wait a join is allowed): older, it is taken as abandoned (a
   * client that matchmade and never connected) — in a storm joins take longer and the age grows.
   */
  private readonly outstanding = new Map<string, number>();
  /** Reservation-to-join times of the latest joins served, ms. */
  private readonly delays: number[] = [];
  /** The busy clock (ms of time with joins waiting) at each recent join served, oldest first. */
  private readonly served: number[] = [];
  private busyMs = 0;
  private lastEventAt: number;
  /** Returning joins told to come back in each second of this clock (Math.floor(now / 1000)). */
  private readonly returns = new Map<number, number>();

  constructor(
    private readonly options: AdmissionOptions,
    private readonly now: () => number = () => performance.now(),
    private readonly busyShare: () => number = eventLoopBusyShare(),
  ) {
    this.lastEventAt = now();
  }

  /** Joins per second served while busy, over the latest samples; undefined before MIN_SAMPLES. */
  get serveRate(): number | undefined {
    this.advance();
    if (this.served.length < MIN_SAMPLES) return undefined;
    const span = this.busyMs - this.served[0]!;
    return span > 0 ? ((this.served.length - 1) * 1000) / span : undefined;
  }

  /** Joins ahead of a new request: accepted and unanswered, plus reserved and not joined (and not abandoned). */
  get backlog(): number {
    this.expireReservations();
    return this.pending + this.liveReservations();
  }

  private liveReservations(): number {
    const longest = this.delays.reduce((a, b) => Math.max(a, b), 0);
    const cutoff = this.now() - Math.min(this.allowedMs, Math.max(250, 4 * longest));
    let abandoned = 0;
    for (const reservedAt of this.outstanding.values()) {
      if (reservedAt >= cutoff) break;
      abandoned++;
    }
    return this.outstanding.size - abandoned;
  }

  private get allowedMs(): number {
    return this.options.seatReservationMs * this.options.maxWaitShare;
  }

  /** Whether a new seat-seeking request may go ahead; counts it as pending when it may. */
  admit(): Verdict {
    const rate = this.serveRate;
    const ahead = this.backlog;
    if (rate !== undefined && this.busyShare() >= BUSY_SHARE) {
      const expectedWaitMs = ((ahead + 1) / rate) * 1000;
      const allowedMs = this.allowedMs;
      if (expectedWaitMs > allowedMs) return { admitted: false, expectedWaitMs, retryAfterS: this.bookReturn(rate, expectedWaitMs, allowedMs) };
    }
    this.advance();
    this.pending++;
    return { admitted: true };
  }

  /** An admitted request was answered: with a seat on this node (its session), or not. */
  answered(sessionId: string | undefined): void {
    this.advance();
    this.pending = Math.max(0, this.pending - 1);
    if (sessionId !== undefined) this.outstanding.set(sessionId, this.now());
  }

  /** A client joined its room with a reservation (any reservation: its session may not be ours). */
  joined(sessionId: string): void {
    this.advance();
    const reservedAt = this.outstanding.get(sessionId);
    if (reservedAt === undefined) return;
    this.outstanding.delete(sessionId);
    this.delays.push(this.now() - reservedAt);
    if (this.delays.length > Math.max(MIN_SAMPLES, this.options.rateSamples)) this.delays.shift();
    this.served.push(this.busyMs);
    if (this.served.length > Math.max(MIN_SAMPLES, this.options.rateSamples)) this.served.shift();
  }

  /**
   * The first second, after the joins ahead have been served, with room for one more returning
   * join: a second takes what the node serves in 80 % of the allowed wait.
   */
  private bookReturn(rate: number, expectedWaitMs: number, allowedMs: number): number {
    const perSecond = Math.max(1, Math.floor((rate * allowedMs * 0.8) / 1000));
    const second = Math.floor(this.now() / 1000);
    for (const booked of this.returns.keys()) if (booked <= second) this.returns.delete(booked);
    let after = Math.max(1, Math.ceil(expectedWaitMs / 1000));
    while ((this.returns.get(second + after) ?? 0) >= perSecond) after++;
    this.returns.set(second + after, (this.returns.get(second + after) ?? 0) + 1);
    return after;
  }

  /** Moves the busy clock on by the time since the last event if joins were waiting meanwhile. */
  private advance(): void {
    const now = this.now();
    // abandoned reservations are no work: they must not make the node look slow
    if (this.pending > 0 || (this.outstanding.size > 0 && this.liveReservations() > 0)) this.busyMs += now - this.lastEventAt;
    this.lastEventAt = now;
  }

  /** Reservations unused for longer than a join may wait are forgotten. */
  private expireReservations(): void {
    this.advance();
    const oldest = this.now() - this.allowedMs;
    // the map's insertion order is the order of their age
    for (const [sessionId, reservedAt] of this.outstanding) {
      if (reservedAt > oldest) break;
      this.outstanding.delete(sessionId);
    }
  }
}
