import { randomInt, randomUUID } from "node:crypto";
import { CloseCode, Room, ServerError, type AuthContext, type Client } from "@colyseus/core";
import type { Schema } from "@colyseus/schema";
import { ERROR_MESSAGE, ErrorCode, describeIssues, type ErrorPayload } from "@arena/shared";
import type { z } from "zod";
import { TokenError } from "../auth/tokens.js";
import { TokenBucket } from "../lib/token-bucket.js";
import type { Logger } from "../observability/logger.js";
import type { ModeTally } from "../observability/metrics.js";
import type { MatchResult } from "../persistence/match-result.js";
import { roomServices, type RoomServices } from "../kit/services.js";
import { enrol, meterSocket as meterClientSocket } from "../kit/census.js";

/** Who a client is, decided during matchmaking (`onAuth`) and attached to the client. */
export interface Identity {
  playerId: string;
  displayName: string;
}

/** What `onAuth` hands to `onJoin`: the identity and the validated join options. */
export interface JoinAuth<Options> {
  identity: Identity;
  options: Options;
}

/** HTTP statuses of refused matchmaking requests. */
export const INVALID_OPTIONS_STATUS = 400;
export const UNAUTHORIZED_STATUS = 401;

/**
 * Builds a room's static `onAuth`, which Colyseus runs while matchmaking over HTTP, before any room
 * is created or any seat reserved: it verifies the player token (the identity comes from it, never
 * from the options) and validates the join options with the mode's zod schema. Failures cost
 * nothing and come back as `401 UNAUTHORIZED: ...` or `400 INVALID_OPTIONS: ...`.
 */
export function authenticateJoin<S extends z.ZodType<object>>(mode: string, optionsSchema: S) {
  return async (token: string | undefined, options: unknown, context?: AuthContext): Promise<JoinAuth<z.output<S>>> => {
    const services = roomServices();
    let identity: Identity;
    try {
      identity = await services.tokens.verify(token ?? context?.token);
    } catch (error) {
      services.metrics.messagesRejected.labels(mode, ErrorCode.Unauthorized).inc();
      const reason = error instanceof TokenError ? error.message : "invalid token";
      throw new ServerError(UNAUTHORIZED_STATUS, `${ErrorCode.Unauthorized}: ${reason}`);
    }
    // absent options mean defaults; anything else (null included) must be a valid options object
    const parsed = optionsSchema.safeParse(options === undefined ? {} : options);
    if (!parsed.success) {
      services.metrics.messagesRejected.labels(mode, ErrorCode.InvalidOptions).inc();
      throw new ServerError(INVALID_OPTIONS_STATUS, `${ErrorCode.InvalidOptions}: ${describeIssues(parsed.error)}`);
    }
    // normalise the options in place (unknown keys out, defaults in), so room filters, listings and
    // onCreate see exactly what the room validated
    if (options && typeof options === "object") {
      const clean = parsed.data as Record<string, unknown>;
      for (const key of Object.keys(options)) if (!Object.hasOwn(clean, key)) delete (options as Record<string, unknown>)[key];
      Object.assign(options, clean);
    }
    return { identity, options: parsed.data };
  };
}

/** Per-client message budget: a token bucket, and the warnings ("strikes") it has earned lately. */
interface MessageBudget {
  bucket: TokenBucket;
  /** Tighter buckets for message types registered with their own rate. */
  perType: Map<string, TokenBucket>;
  strikes: number[];
  warnedAt: number;
}

/** Strikes older than this are forgiven. */
const STRIKE_WINDOW_MS = 10_000;

export type GameClient<Options> = Client<{ auth: JoinAuth<Options> }>;

/**
 * Behaviour every mode shares: typed errors for bad messages, a crash guard around all room code,
 * a logger bound to the room, and the hand-off of the match result.
 */
export abstract class GameRoom<State extends Schema, Options> extends Room<{
  state: State;
  client: GameClient<Options>;
}> {
  protected readonly services: RoomServices = roomServices();
  /** State patches go out at PATCH_RATE_HZ (ticking rooms send them from their tick, see startTicking). */
  override patchRate: number | null = 1000 / this.services.config.patchRateHz;
  /** Colyseus' own hard cap, far above ours: it only stops floods too fast for the warning path. */
  override maxMessagesPerSecond = this.services.config.limits.messagesPerSecond * 10;
  readonly matchId: string = randomUUID();
  /** Seed of everything random in this match; stored with the result for replay. */
  readonly seed: number = randomInt(0, 0xffffffff);
  private roomLogger: Logger | undefined;
  private readonly budgets = new WeakMap<Client, MessageBudget>();
  /** Message types with their own, tighter rate (per client, per second). */
  private readonly typeLimits = new Map<string, number>();
  private matchStartedAt: number | undefined;

  constructor() {
    super();
    enrol(this);
  }

  /** Metric children bound to this room's mode, made once (label lookups are not free per message). */
  private get meters() {
    const mode = this.roomName;
    const m = this.services.metrics;
    this.boundMeters ??= {
      tick: m.tickDuration.labels(mode),
      ticks: m.ticks.labels(mode),
      lateTicks: m.lateTicks.labels(mode),
      tally: m.tally(mode),
      rejected: new Map<string, ReturnType<typeof m.messagesRejected.labels>>(),
    };
    return this.boundMeters;
  }
  private boundMeters: {
    tick: { observe(v: number): void };
    ticks: { inc(v?: number): void };
    lateTicks: { inc(v?: number): void };
    tally: ModeTally;
    rejected: Map<string, { inc(v?: number): void }>;
  } | undefined;

  private countRejected(reason: string) {
    const meters = this.meters;
    let child = meters.rejected.get(reason);
    if (!child) meters.rejected.set(reason, (child = this.services.metrics.messagesRejected.labels(this.roomName, reason)));
    child.inc();
  }

  private meterSocket(client: Client) {
    meterClientSocket(client, this.meters.tally);
  }

  /**
   * Runs `step` at TICK_RATE_HZ and measures it: tick duration, and late ticks (a gap of more than
   * one and a half intervals since the previous tick: the event loop was too busy). The state patch
   * goes out from the tick too, every TICK_RATE_HZ / PATCH_RATE_HZ ticks, right after a step: one
   * timer per room instead of two, and clients get the state as soon as it is computed. Sending
   * fewer patches than ticks is the biggest saving there is: most server time goes to socket writes.
   */
  protected startTicking(step: () => void): void {
    const { tickRateHz, patchRateHz } = this.services.config;
    const intervalMs = 1000 / tickRateHz;
    const patchEvery = Math.max(1, Math.round(tickRateHz / Math.min(patchRateHz, tickRateHz)));
    const meters = this.meters;
    let previous = performance.now();
    let ticks = 0;
    this.patchRate = null;
    this.setTimestep(() => {
      const start = performance.now();
      if (start - previous > intervalMs * 1.5) meters.lateTicks.inc();
      previous = start;
      step();
      if (++ticks % patchEvery === 0) this.broadcastPatch();
      meters.ticks.inc();
      meters.tick.observe((performance.now() - start) / 1000);
    }, intervalMs);
  }

  /**
   * Stops the simulation. The room clock keeps ticking (Colyseus only advances it from the timestep
   * once one was set), so timers such as the post-match close still fire.
   */
  protected stopTicking(): void {
    this.setTimestep(() => {}, 1000 / this.services.config.tickRateHz);
    this.patchRate = 1000 / this.services.config.patchRateHz;
  }

  /** True while a match is being played: closing the room now would lose its result. */
  protected abstract matchInProgress(): boolean;

  /** Ends the running match at once, recording it as aborted (the node is shutting down). */
  protected abstract abortMatch(reason: "shutdown"): void;

  private draining = false;

  /**
   * Graceful drain (SIGTERM): Colyseus has locked the room and stopped matchmaking on this node.
   * A lobby closes at once; a running match may finish within DRAIN_GRACE_S, after which it is
   * ended and recorded as aborted. Either way its result reaches the results writer.
   */
  override onBeforeShutdown(): void {
    this.draining = true;
    if (!this.matchInProgress()) {
      void this.disconnect(CloseCode.SERVER_SHUTDOWN);
      return;
    }
    const graceMs = this.services.config.drainGraceMs;
    this.log.info({ graceMs }, "draining: the running match may finish");
    this.clock.setTimeout(() => {
      if (!this.matchInProgress()) return;
      this.log.warn("drain grace over: ending the match as aborted");
      this.abortMatch("shutdown");
    }, graceMs);
  }

  /**
   * Modes call this once their match has ended and the result is submitted: the room stays open
   * POST_MATCH_LINGER_MS so clients can read the result (not while draining), then closes.
   */
  protected matchEnded(): void {
    const linger = this.draining ? 0 : this.services.config.postMatchLingerMs;
    this.clock.setTimeout(() => void this.disconnect(this.draining ? CloseCode.SERVER_SHUTDOWN : undefined), linger);
  }

  /** Call when the match leaves its lobby. */
  protected matchStarted(): void {
    this.matchStartedAt = Date.now();
    this.services.metrics.matchesStarted.labels(this.roomName).inc();
  }

  /** Colyseus calls this; modes implement `playerJoined`. */
  override onJoin(client: GameClient<Options>, _options: unknown, auth?: JoinAuth<Options>): void | Promise<void> {
    if (!auth) throw new ServerError(UNAUTHORIZED_STATUS, `${ErrorCode.Unauthorized}: join without matchmaking`);
    this.meterSocket(client);
    return this.playerJoined(client, auth);
  }

  /** A player took a seat (identity and validated options from matchmaking). Throw to refuse the join. */
  protected abstract playerJoined(client: GameClient<Options>, auth: JoinAuth<Options>): void | Promise<void>;

  override onReconnect(client: GameClient<Options>): void {
    this.meterSocket(client);
    this.clientLog(client).info("player reconnected");
    this.seatResumed(client);
  }

  /** A held seat was taken back within the reconnection window. */
  protected seatResumed(_client: GameClient<Options>): void {}

  protected get log(): Logger {
    this.roomLogger ??= this.services.logger.child({ roomId: this.roomId, mode: this.roomName, matchId: this.matchId });
    return this.roomLogger;
  }

  /** Logger for lines about one client. */
  protected clientLog(client: Client): Logger {
    return this.log.child({ sessionId: client.sessionId });
  }

  /**
   * Registers a message handler whose payload is validated first. An invalid payload gets a typed
   * `error` message back, the client stays connected and the handler does not run. `limit` gives
   * the type a tighter rate than the client's overall budget (as a share of MSG_RATE_PER_S).
   */
  protected onValidatedMessage<S extends z.ZodType>(
    type: string,
    payloadSchema: S,
    handler: (client: GameClient<Options>, payload: z.output<S>) => void,
    limit?: { shareOfClientRate: number },
  ): void {
    // a share of MSG_RATE_PER_S, so one setting scales every limit
    if (limit) this.typeLimits.set(type, Math.max(1, this.services.config.limits.messagesPerSecond * limit.shareOfClientRate));
    this.onMessage(type, (client: GameClient<Options>, payload: unknown) => {
      this.meters.tally.countReceived(type);
      if (!this.admit(client, type)) return;
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) {
        this.sendError(client, ErrorCode.InvalidMessage, describeIssues(parsed.error), type);
        return;
      }
      handler(client, parsed.data);
    });
  }

  /** Answers message types this room does not know; call once in onCreate after the handlers. */
  protected rejectUnknownMessages(): void {
    this.onMessage("*", (client: GameClient<Options>, type: string | number) => {
      this.meters.tally.countReceived("unknown");
      if (!this.admit(client)) return;
      this.sendError(client, ErrorCode.UnknownMessage, `unknown message type "${String(type).slice(0, 64)}"`, String(type).slice(0, 64));
    });
  }

  /**
   * Rate limit, before any parsing: a token bucket per client (MSG_RATE_PER_S, bursts of twice that).
   * An empty bucket drops the message and earns a `RATE_LIMITED` warning (at most one a second);
   * MSG_RATE_STRIKES warnings within 10 s disconnect the client. Other clients are not affected.
   */
  protected admit(client: Client, type?: string): boolean {
    const limits = this.services.config.limits;
    const now = Date.now();
    let budget = this.budgets.get(client);
    if (!budget) {
      budget = {
        bucket: new TokenBucket(limits.messagesPerSecond * 2, limits.messagesPerSecond, now),
        perType: new Map(),
        strikes: [],
        warnedAt: 0,
      };
      this.budgets.set(client, budget);
    }
    const typeRate = type === undefined ? undefined : this.typeLimits.get(type);
    let typeBucket: TokenBucket | undefined;
    if (type !== undefined && typeRate !== undefined) {
      typeBucket = budget.perType.get(type);
      if (!typeBucket) budget.perType.set(type, (typeBucket = new TokenBucket(typeRate * 2, typeRate, now)));
    }
    if (budget.bucket.take(now) && (!typeBucket || typeBucket.take(now))) return true;
    this.countRejected(ErrorCode.RateLimited);
    if (now - budget.warnedAt >= 1000) {
      budget.warnedAt = now;
      budget.strikes = budget.strikes.filter((at) => now - at < STRIKE_WINDOW_MS);
      budget.strikes.push(now);
      if (budget.strikes.length >= limits.strikes) {
        this.clientLog(client).warn({ strikes: budget.strikes.length }, "client disconnected for flooding");
        this.services.metrics.clientsDisconnected.labels(this.roomName, "flooding").inc();
        this.sendPayload(client, { code: ErrorCode.RateLimited, message: "too many messages: disconnected" });
        client.leave(CloseCode.WITH_ERROR);
      } else {
        this.clientLog(client).warn({ strikes: budget.strikes.length }, "client over the message rate");
        this.sendPayload(client, {
          code: ErrorCode.RateLimited,
          message: `too many messages (limit ${limits.messagesPerSecond}/s); slow down or be disconnected`,
        });
      }
    }
    return false;
  }

  /** Refuses what a client sent: a typed `error` message to that client, counted by reason. */
  protected sendError(client: Client, code: ErrorPayload["code"], message: string, cause?: string): void {
    this.countRejected(code);
    this.sendPayload(client, cause === undefined ? { code, message } : { code, message, cause });
  }

  private sendPayload(client: Client, payload: ErrorPayload): void {
    client.send(ERROR_MESSAGE, payload);
  }

  /**
   * A connection dropped without a goodbye: hold the seat for RECONNECT_WINDOW_S (the mode shows the
   * player as disconnected meanwhile); `onLeave` follows if nobody comes back. A client the server
   * itself closed (flooding, protocol errors: code 4002) gets no seat to come back to.
   * Not awaited: Colyseus only closes the socket once this returns.
   */
  override onDrop(client: GameClient<Options>, code?: number): void {
    if (code === CloseCode.WITH_ERROR) return;
    this.onSeatHeld(client);
    this.clientLog(client).info({ code }, "connection dropped; seat held for reconnection");
    this.allowReconnection(client, this.services.config.reconnectWindowSeconds).catch(() => {
      // window over: Colyseus calls onLeave
    });
  }

  /** The player's connection dropped and the seat is held (show them as disconnected). */
  protected onSeatHeld(_client: GameClient<Options>): void {}

  /** Any exception in room code lands here instead of taking the process down. */
  override onUncaughtException(error: Error, methodName: string): void {
    this.log.error({ err: error, method: methodName }, "uncaught exception in room");
  }

  /** Hands the finished match to the results writer; the room does not wait for the database. */
  protected submitResult(result: MatchResult): void {
    const metrics = this.services.metrics;
    metrics.matchesEnded.labels(this.roomName, result.status).inc();
    const startedAt = Date.parse(result.startedAt);
    metrics.matchDuration.labels(this.roomName).observe(Math.max(0, Date.parse(result.endedAt) - startedAt) / 1000);
    this.services.results.submit(result).then(
      () => this.log.info({ status: result.status }, "match result submitted"),
      (err: unknown) => this.log.error({ err }, "match result could not be submitted"),
    );
  }

  /** Common fields of a match result. */
  protected resultBase(startedAt: Date, endedAt: Date) {
    return {
      matchId: this.matchId,
      season: this.services.config.season,
      seed: this.seed,
      node: this.services.config.nodeId,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
    };
  }
}
