/**
 * A room's static `onAuth`, which Colyseus runs while matchmaking over HTTP, before any room is
 * created or any seat reserved: it verifies the player token (the identity comes from it, never
 * from the options) and validates the join options with the mode's schema. Failures cost nothing
 * and come back as `401 UNAUTHORIZED: ...` or `400 INVALID_OPTIONS: ...`.
 */
import { ServerError, type AuthContext } from "@colyseus/core";
import { ErrorCode, describeIssues, type ModeContract, type OptionsOf } from "@arena/shared";
import { safeParse } from "zod/v4/core";
import { TokenError } from "../auth/tokens.js";
import type { RoomServices } from "./services.js";

/** Who a client is, decided during matchmaking and attached to the client. */
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

/** The player a matchmaking request comes from, by their token; `401 UNAUTHORIZED: ...` without a valid one. */
export async function identify(services: RoomServices, label: string, token: string | undefined, context?: AuthContext): Promise<Identity> {
  try {
    return await services.tokens.verify(token ?? context?.token);
  } catch (error) {
    services.metrics.messagesRejected.labels(label, ErrorCode.Unauthorized).inc();
    const reason = error instanceof TokenError ? error.message : "invalid token";
    throw new ServerError(UNAUTHORIZED_STATUS, `${ErrorCode.Unauthorized}: ${reason}`);
  }
}

export function authenticateJoin<C extends ModeContract>(contract: C, services: RoomServices) {
  const mode = contract.name;
  return async (token: string | undefined, options: unknown, context?: AuthContext): Promise<JoinAuth<OptionsOf<C>>> => {
    const identity = await identify(services, mode, token, context);
    // absent options mean defaults; anything else (null included) must be a valid options object
    const parsed = safeParse(contract.options, options === undefined ? {} : options);
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
    return { identity, options: parsed.data as OptionsOf<C> };
  };
}
