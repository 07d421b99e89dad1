import { randomInt, randomUUID } from "node:crypto";
import { Room, ServerError, type Client } from "@colyseus/core";
import type { Schema } from "@colyseus/schema";
import { ERROR_MESSAGE, ErrorCode, describeIssues, type ErrorPayload } from "@arena/shared";
import type { z } from "zod";
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

/** HTTP status used for rejected join options during matchmaking. */
export const INVALID_OPTIONS_STATUS = 400;

/**
 * Builds a room's static `onAuth`: validates the join options with the mode's zod schema while
 * matchmaking runs over HTTP, before any room is created or any seat reserved, so bad options
 * cost nothing and come back as `400 INVALID_OPTIONS: ...`.
 */
export function authenticateJoin<S extends z.ZodType<{ name: string }>>(optionsSchema: S) {
  return async (_token: string | undefined, options: unknown): Promise<JoinAuth<z.output<S>>> => {
    const parsed = optionsSchema.safeParse(options ?? {});
    if (!parsed.success) {
      throw new ServerError(INVALID_OPTIONS_STATUS, `${ErrorCode.InvalidOptions}: ${describeIssues(parsed.error)}`);
    }
    // normalise the options in place, so room filters and listings see the same values as the room
    if (options && typeof options === "object") Object.assign(options, parsed.data);
    return {
      identity: { playerId: randomUUID(), displayName: parsed.data.name },
      options: parsed.data,
    };
  };
}

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
  readonly matchId: string = randomUUID();
  /** Seed of everything random in this match; stored with the result for replay. */
  readonly seed: number = randomInt(0, 0xffffffff);
  private roomLogger: Logger | undefined;

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
      this.sendError(client, ErrorCode.UnknownMessage, `unknown message type "${String(type).slice(0, 64)}"`, String(type).slice(0, 64));
    });
  }

  protected sendError(client: Client, code: ErrorPayload["code"], message: string, cause?: string): void {
    const payload: ErrorPayload = cause === undefined ? { code, message } : { code, message, cause };
    client.send(ERROR_MESSAGE, payload);
  }

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
