import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Every metric name starts with this. */
export const METRIC_PREFIX = "arena_";

export type FrameKind = "patch" | "full_state" | "message" | "other";

/** Why a matchmaking request was refused with 503 (the `reason` label of the refusals counter). */
export type RefusalReason = "redis_unreachable" | "resuming" | "timeout" | "draining" | "overloaded";
export const REFUSAL_REASONS: readonly RefusalReason[] = ["redis_unreachable", "resuming", "timeout", "draining", "overloaded"];

/** What the Redis gauges read at scrape time. */
export interface RedisState {
  readonly isUp: boolean;
  /** Times this node lost Redis since it started (a 10 s outage falls between two scrapes). */
  readonly outages: number;
  /** Other nodes whose heartbeat lapsed. */
  readonly stalledPeers: number;
}

/**
 * Per-mode running sums for the hottest counters (a frame sent, a message received): plain
 * number increments on the hot path, moved into the Prometheus counters at scrape time.
 */
export class ModeTally {
  readonly bytes: Record<FrameKind, number> = { patch: 0, full_state: 0, message: 0, other: 0 };
  readonly received = new Map<string, number>();

  countReceived(type: string): void {
    this.received.set(type, (this.received.get(type) ?? 0) + 1);
  }
}

/** What the room gauges read at scrape time. */
export interface RoomCensus {
  /** Live rooms, connected players and spectators per mode on this process. */
  count(): Map<string, { rooms: number; clients: number; spectators: number }>;
}

/**
 * The process's metrics. Labels are bounded: modes, message types a room registered, error codes,
 * matchmaking methods and outcomes; never room ids, session ids or player ids.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly matchesStarted: Counter<"mode">;
  readonly matchesEnded: Counter<"mode" | "status">;
  readonly matchDuration: Histogram<"mode">;
  readonly tickDuration: Histogram<"mode">;
  readonly ticks: Counter<"mode">;
  readonly lateTicks: Counter<"mode">;
  readonly messagesReceived: Counter<"mode" | "type">;
  readonly messagesRejected: Counter<"mode" | "reason">;
  readonly bytesSent: Counter<"mode" | "kind">;
  readonly clientsDisconnected: Counter<"mode" | "reason">;
  readonly matchmakingRequests: Counter<"method" | "outcome">;
  readonly matchmakingDuration: Histogram<"method">;
  readonly httpRequests: Counter<"route" | "status_class">;
  readonly resultsWriteDuration: Histogram;
  readonly resultsWritten: Counter<"outcome">;
  readonly resultsWriteFailures: Counter;
  readonly resultsRetries: Counter;
  readonly resultsOutboxDepth: Gauge;
  readonly matchmakingRefusals: Counter<"reason">;
  readonly matchmakingSeatMisses: Counter;
  readonly resultsQuarantined: Counter;
  readonly clusterRepairs: Counter<"kind">;
  private readonly tallies = new Map<string, ModeTally>();

  constructor(census: RoomCensus, outboxDepth: () => number, quarantineDepth: () => Promise<number> = async () => 0) {
    const registers = [this.registry];
    const p = METRIC_PREFIX;
    collectDefaultMetrics({ register: this.registry, prefix: p, eventLoopMonitoringPrecision: 10 });

    new Gauge({
      name: `${p}rooms_active`,
      help: "Rooms alive on this process, by mode.",
      labelNames: ["mode"],
      registers,
      collect() {
        this.reset();
        for (const [mode, { rooms }] of census.count()) this.set({ mode }, rooms);
      },
    });
    new Gauge({
      name: `${p}clients_connected`,
      help: "Clients connected to rooms on this process, by mode.",
      labelNames: ["mode"],
      registers,
      collect() {
        this.reset();
        for (const [mode, { clients }] of census.count()) this.set({ mode }, clients);
      },
    });
    new Gauge({
      name: `${p}spectators_connected`,
      help: "Spectators watching matches of this process, by mode.",
      labelNames: ["mode"],
      registers,
      collect() {
        this.reset();
        for (const [mode, { spectators }] of census.count()) this.set({ mode }, spectators);
      },
    });
    this.matchesStarted = new Counter({ name: `${p}matches_started_total`, help: "Matches that left their lobby.", labelNames: ["mode"], registers });
    this.matchesEnded = new Counter({
      name: `${p}matches_ended_total`,
      help: "Matches that ended, by status (completed or aborted).",
      labelNames: ["mode", "status"],
      registers,
    });
    this.matchDuration = new Histogram({
      name: `${p}match_duration_seconds`,
      help: "Length of ended matches, from start to end.",
      labelNames: ["mode"],
      buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 3600],
      registers,
    });
    this.tickDuration = new Histogram({
      name: `${p}tick_duration_seconds`,
      help: "Time spent in one simulation tick.",
      labelNames: ["mode"],
      // up to and past one 50 ms interval, so overruns show their size instead of landing in +Inf
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25],
      registers,
    });
    this.ticks = new Counter({ name: `${p}ticks_total`, help: "Simulation ticks run.", labelNames: ["mode"], registers });
    this.lateTicks = new Counter({
      name: `${p}ticks_late_total`,
      help: "Ticks that started more than half an interval after they were due.",
      labelNames: ["mode"],
      registers,
    });
    const tallies = this.tallies;
    this.messagesReceived = new Counter({
      name: `${p}messages_received_total`,
      help: "Room messages received, by mode and message type (unregistered types count as 'unknown').",
      labelNames: ["mode", "type"],
      registers,
      collect() {
        for (const [mode, tally] of tallies) {
          for (const [type, count] of tally.received) if (count > 0) this.inc({ mode, type }, count);
          tally.received.clear();
        }
      },
    });
    this.messagesRejected = new Counter({
      name: `${p}messages_rejected_total`,
      help: "Messages and joins refused, by mode and reason (the error code sent back).",
      labelNames: ["mode", "reason"],
      registers,
    });
    this.bytesSent = new Counter({
      name: `${p}bytes_sent_total`,
      help: "Bytes written to room clients, by mode and kind (patch, full_state, message, other).",
      labelNames: ["mode", "kind"],
      registers,
      collect() {
        for (const [mode, tally] of tallies) {
          for (const kind of Object.keys(tally.bytes) as FrameKind[]) {
            if (tally.bytes[kind] > 0) this.inc({ mode, kind }, tally.bytes[kind]);
            tally.bytes[kind] = 0;
          }
        }
      },
    });
    this.clientsDisconnected = new Counter({
      name: `${p}clients_disconnected_total`,
      help: "Clients the server disconnected, by mode and reason.",
      labelNames: ["mode", "reason"],
      registers,
    });
    this.matchmakingRequests = new Counter({
      name: `${p}matchmaking_requests_total`,
      help: "Matchmaking requests, by method and outcome (ok, invalid, unauthorized, rate_limited, unavailable, error).",
      labelNames: ["method", "outcome"],
      registers,
    });
    this.matchmakingDuration = new Histogram({
      name: `${p}matchmaking_duration_seconds`,
      help: "Time to answer a matchmaking request.",
      labelNames: ["method"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.httpRequests = new Counter({
      name: `${p}http_requests_total`,
      help: "HTTP requests other than matchmaking, by route group and status class.",
      labelNames: ["route", "status_class"],
      registers,
    });
    this.resultsWriteDuration = new Histogram({
      name: `${p}results_write_duration_seconds`,
      help: "Time to write one match result to the database (one transaction).",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.resultsWritten = new Counter({
      name: `${p}results_written_total`,
      help: "Results confirmed by the database, by outcome (written, duplicate).",
      labelNames: ["outcome"],
      registers,
    });
    this.resultsWriteFailures = new Counter({ name: `${p}results_write_failures_total`, help: "Failed result writes (each is retried).", registers });
    this.resultsRetries = new Counter({ name: `${p}results_retries_total`, help: "Retries scheduled by the results writer.", registers });
    this.resultsOutboxDepth = new Gauge({
      name: `${p}results_outbox_depth`,
      help: "Results journaled on this node and not yet confirmed by the database.",
      registers,
      collect() {
        this.set(outboxDepth());
      },
    });

    this.matchmakingRefusals = new Counter({
      name: `${p}matchmaking_refusals_total`,
      help: "Matchmaking requests refused with 503, by reason (redis_unreachable, resuming: just back from a cut or a stall, timeout, draining: UNAVAILABLE; overloaded: OVERLOADED, more joins waiting than the node serves within the seat reservation time).",
      labelNames: ["reason"],
      registers,
    });
    for (const reason of REFUSAL_REASONS) this.matchmakingRefusals.labels(reason).inc(0);
    this.matchmakingSeatMisses = new Counter({
      name: `${p}matchmaking_seat_misses_total`,
      help: "Seat reservations refused by the room matchmaking picked (its listing was a few ms old: full, or its node gone); the request tried the next room at once. Grows with nodes racing for the same lobbies.",
      registers,
    });
    this.resultsQuarantined = new Counter({
      name: `${p}results_quarantined_total`,
      help: "Journal entries moved to the quarantine file (unreadable, or failing the result contract).",
      registers,
    });
    new Gauge({
      name: `${p}results_quarantine_depth`,
      help: "Entries in this node's quarantine file not yet retried successfully (npm run results -- quarantine).",
      registers,
      async collect() {
        this.set(await quarantineDepth());
      },
    });
    this.clusterRepairs = new Counter({
      name: `${p}cluster_repairs_total`,
      help: "What this node did to stay consistent after a fault: registration (re-registered), listing (a room re-listed), stale_listing (removed), late_request (dropped: its sender had given up).",
      labelNames: ["kind"],
      registers,
    });
  }

  /**
   * With Redis: the link state, its outages and the peers whose heartbeat lapsed. Only a node with
   * REDIS_URL has these series, so a single node never looks like one with Redis down.
   */
  trackRedis(redis: RedisState): void {
    const registers = [this.registry];
    const p = METRIC_PREFIX;
    new Gauge({
      name: `${p}redis_up`,
      help: "1 while this node reaches Redis (connections ready, PING answered), 0 while it does not.",
      registers,
      collect() {
        this.set(redis.isUp ? 1 : 0);
      },
    });
    new Counter({
      name: `${p}redis_outages_total`,
      help: "Times this node lost Redis (connection lost or PING unanswered for 1 s).",
      registers,
      collect() {
        this.reset();
        this.inc(redis.outages);
      },
    });
    new Gauge({
      name: `${p}cluster_stalled_nodes`,
      help: "Other nodes whose heartbeat lapsed (stalled or cut off from Redis): their rooms are not offered.",
      registers,
      collect() {
        this.set(redis.stalledPeers);
      },
    });
    for (const kind of ["registration", "listing", "stale_listing", "late_request"]) this.clusterRepairs.labels(kind).inc(0);
  }

  countClusterRepair(repair: { registration: number; listings: number; staleListings: number }): void {
    this.clusterRepairs.labels("registration").inc(repair.registration);
    this.clusterRepairs.labels("listing").inc(repair.listings);
    this.clusterRepairs.labels("stale_listing").inc(repair.staleListings);
  }

  /** The running sums of a mode (created on first use; modes are few). */
  tally(mode: string): ModeTally {
    let tally = this.tallies.get(mode);
    if (!tally) this.tallies.set(mode, (tally = new ModeTally()));
    return tally;
  }

  /** Gives the labelled counters a zero series for every mode, so dashboards show 0 rather than no data. */
  initialiseModes(modes: readonly string[]): void {
    for (const mode of modes) {
      this.matchesStarted.labels(mode).inc(0);
      for (const status of ["completed", "aborted"]) this.matchesEnded.labels(mode, status).inc(0);
      this.ticks.labels(mode).inc(0);
      this.lateTicks.labels(mode).inc(0);
      for (const kind of ["patch", "full_state", "message", "other"] as const) this.bytesSent.labels(mode, kind).inc(0);
    }
    for (const outcome of ["written", "duplicate"]) this.resultsWritten.labels(outcome).inc(0);
    for (const outcome of ["ok", "invalid", "unauthorized", "rate_limited", "unavailable", "error"]) {
      this.matchmakingRequests.labels("joinOrCreate", outcome).inc(0);
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
