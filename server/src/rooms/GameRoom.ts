import { randomInt, randomUUID } from "node:crypto";
import { CloseCode, Room, ServerError, type AuthContext, type Client } from "@colyseus/core";
import type { Schema } from "@colyseus/schema";
import { ERROR_MESSAGE, ErrorCode, describeIssues, type ErrorPayload } from "@arena/shared";
import type { z } from "zod";
import { TokenError } from "../auth/tokens.js";
import { TokenBucket } from "../lib/token-bucket.js";
import type { Logger } from "../observability/logger.js";
import type { MatchResult } from "../persistence/match-result.js";
import { roomServices, type RoomServices } from "./services.js";

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
export function authenticateJoin<S extends z.ZodType<object>>(optionsSchema: S) {
  return async (token: string | undefined, options: unknown, context?: AuthContext): Promise<JoinAuth<z.output<S>>> => {
    let identity: Identity;
    try {
      identity = await roomServices().tokens.verify(token ?? context?.token);
    } catch (error) {
      const reason = error instanceof TokenError ? error.message : "invalid token";
      throw new ServerError(UNAUTHORIZED_STATUS, `${ErrorCode.Unauthorized}: ${reason}`);
    }
    // absent options mean defaults; anything else (null included) must be a valid options object
    const parsed = optionsSchema.safeParse(options === undefined ? {} : options);
    if (!parsed.success) {
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
  /** Colyseus' own hard cap, far above ours: it only stops floods too fast for the warning path. */
  override maxMessagesPerSecond = this.services.config.limits.messagesPerSecond * 10;
  readonly matchId: string = randomUUID();
  /** Seed of everything random in this match; stored with the result for replay. */
  readonly seed: number = randomInt(0, 0xffffffff);
  private roomLogger: Logger | undefined;
  private readonly budgets = new WeakMap<Client, MessageBudget>();

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
   * `error` message back, the client stays connected and the handler does not run.
   */
  protected onValidatedMessage<S extends z.ZodType>(
    type: string,
    payloadSchema: S,
    handler: (client: GameClient<Options>, payload: z.output<S>) => void,
  ): void {
    this.onMessage(type, (client: GameClient<Options>, payload: unknown) => {
      if (!this.admit(client)) return;
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
      if (!this.admit(client)) return;
      this.sendError(client, ErrorCode.UnknownMessage, `unknown message type "${String(type).slice(0, 64)}"`, String(type).slice(0, 64));
    });
  }

  /**
   * Rate limit, before any parsing: a token bucket per client (MSG_RATE_PER_S, bursts of twice that).
   * An empty bucket drops the message and earns a `RATE_LIMITED` warning (at most one a second);
   * MSG_RATE_STRIKES warnings within 10 s disconnect the client. Other clients are not affected.
   */
  protected admit(client: Client): boolean {
    const limits = this.services.config.limits;
    const now = Date.now();
    let budget = this.budgets.get(client);
    if (!budget) {
      budget = { bucket: new TokenBucket(limits.messagesPerSecond * 2, limits.messagesPerSecond, now), strikes: [], warnedAt: 0 };
      this.budgets.set(client, budget);
    }
    if (budget.bucket.take(now)) return true;
    if (now - budget.warnedAt >= 1000) {
      budget.warnedAt = now;
      budget.strikes = budget.strikes.filter((at) => now - at < STRIKE_WINDOW_MS);
      budget.strikes.push(now);
      if (budget.strikes.length >= limits.strikes) {
        this.clientLog(client).warn({ strikes: budget.strikes.length }, "client disconnected for flooding");
        this.sendError(client, ErrorCode.RateLimited, "too many messages: disconnected");
        client.leave(CloseCode.WITH_ERROR);
      } else {
        this.clientLog(client).warn({ strikes: budget.strikes.length }, "client over the message rate");
        this.sendError(client, ErrorCode.RateLimited, `too many messages (limit ${limits.messagesPerSecond}/s); slow down or be disconnected`);
      }
    }
    return false;
  }

  protected sendError(client: Client, code: ErrorPayload["code"], message: string, cause?: string): void {
    const payload: ErrorPayload = cause === undefined ? { code, message } : { code, message, cause };
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
    this.services.results.submit(result).then(
      () => this.log.info({ status: result.status }, "match result submitted"),
      (err: unknown) => this.log.error({ err }, "match result could not be submitted"),
    );
  }

  /** Common fields of a match result. */
  protected resultBase(startedAt: Date, endedAt: Date) {
    return {
      matchId: this.matchId,
      seed: this.seed,
      node: this.services.config.nodeId,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
    };
  }
}
