import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../observability/logger.js";

/**
 * Options for every connection of a node. Commands wait in ioredis' offline queue while the
 * connection is down and are sent once it is back, in order (a room disposed during an outage still
 * removes its listing afterwards), instead of failing after 20 reconnection attempts: requests that
 * must not wait are refused in front of Colyseus (see MatchmakingGate). Reconnection attempts come
 * at most a second apart, so a node is back within about a second of Redis.
 */
export const REDIS_CLIENT_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: null,
  enableOfflineQueue: true,
  connectTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
};

export interface RedisLinkOptions {
  logger: Logger;
  /** How often the connection is probed while it is up. */
  probeEveryMs?: number;
  /** A probe unanswered for this long means Redis is cut off (a partition leaves the socket open). */
  probeTimeoutMs?: number;
}

export type LinkListener = (up: boolean) => void;

/** `host:port` of a Redis URL, without credentials, for log lines. */
export function redisHost(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "6379"}${parsed.pathname.length > 1 ? parsed.pathname : ""}`;
}

/**
 * Whether this node can talk to Redis now, from the status of every connection it watches and a
 * regular PING on the command connection. Connection errors are noted, not printed: the link logs
 * one JSON line when Redis becomes unreachable and one when it answers again.
 */
export class RedisLink {
  private readonly clients = new Map<Redis, string>();
  private readonly listeners = new Set<LinkListener>();
  private up = false;
  private everUp = false;
  private lost = 0;
  private recovered = 0;
  private downSince = Date.now();
  private reason = "connecting";
  private lastError: string | undefined;
  private probeSentAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waitingLogged: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly probeEveryMs: number;
  private readonly probeTimeoutMs: number;

  constructor(
    /** The connection the link probes (the one the presence and the driver send commands on). */
    readonly command: Redis,
    private readonly host: string,
    private readonly options: RedisLinkOptions,
  ) {
    this.probeEveryMs = options.probeEveryMs ?? 250;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 1_000;
  }

  /** Watches a connection (the command one, the presence's subscriber): the link is up only while all are. */
  watch(client: Redis, role: string): void {
    if (this.clients.has(client)) return;
    this.clients.set(client, role);
    client.on("error", (error: Error) => {
      this.lastError = `${role}: ${error.message}`;
    });
    for (const event of ["ready", "close", "reconnecting", "end"]) client.on(event, () => this.evaluate());
  }

  get isUp(): boolean {
    return this.up;
  }

  /** When the link last came back after an outage (0 if it never went down). */
  get recoveredAt(): number {
    return this.recovered;
  }

  /** Times Redis was lost since the start. */
  get outages(): number {
    return this.lost;
  }

  /** Why the link is down ("" while up). */
  get downReason(): string {
    return this.up ? "" : this.reason;
  }

  onChange(listener: LinkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.timer = setInterval(() => this.probe(), this.probeEveryMs);
    this.timer.unref();
    // Colyseus waits for Redis before it listens: say so once if that takes a while
    this.waitingLogged = setTimeout(() => {
      if (!this.everUp) this.options.logger.warn({ redis: this.host, reason: this.currentProblem() }, "waiting for Redis");
    }, 2_000);
    this.waitingLogged.unref();
    this.evaluate();
  }

  /** Stops probing before the connections are closed on purpose (no "unreachable" line then). */
  stop(): void {
    this.closing = true;
    clearInterval(this.timer);
    clearTimeout(this.waitingLogged);
  }

  private probe(): void {
    if (this.closing) return;
    if (this.probeSentAt !== undefined) {
      this.evaluate();
      return;
    }
    if (this.command.status !== "ready") return;
    const sentAt = Date.now();
    this.probeSentAt = sentAt;
    this.command.ping().then(
      () => {
        if (this.probeSentAt === sentAt) this.probeSentAt = undefined;
        this.evaluate();
      },
      (error: Error) => {
        this.lastError = `command: ${error.message}`;
        if (this.probeSentAt === sentAt) this.probeSentAt = undefined;
        this.evaluate();
      },
    );
  }

  private currentProblem(): string | undefined {
    for (const [client, role] of this.clients) {
      if (client.status !== "ready") return this.lastError ?? `${role} connection ${client.status}`;
    }
    if (this.probeSentAt !== undefined && Date.now() - this.probeSentAt > this.probeTimeoutMs) {
      return `no answer to PING within ${this.probeTimeoutMs} ms`;
    }
    return undefined;
  }

  private evaluate(): void {
    if (this.closing) return;
    const problem = this.currentProblem();
    if (problem === undefined && !this.up) {
      this.up = true;
      const downMs = Date.now() - this.downSince;
      if (this.everUp) this.recovered = Date.now();
      if (this.everUp) this.options.logger.info({ redis: this.host, downMs }, "Redis reachable again");
      else this.options.logger.info({ redis: this.host }, "Redis connected");
      this.everUp = true;
      this.lastError = undefined;
      this.emit(true);
    } else if (problem !== undefined && this.up) {
      this.up = false;
      this.lost++;
      this.downSince = Date.now();
      this.reason = problem;
      this.options.logger.error({ redis: this.host, reason: problem }, "Redis unreachable: matchmaking is refused until it answers again");
      this.emit(false);
    } else if (problem !== undefined) {
      this.reason = problem;
    }
  }

  private emit(up: boolean): void {
    for (const listener of this.listeners) listener(up);
  }
}

/** A connection with arena's options; its errors go to the link that watches it. */
export function connectRedis(url: string): Redis {
  return new Redis(url, REDIS_CLIENT_OPTIONS);
}
