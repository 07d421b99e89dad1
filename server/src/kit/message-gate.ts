/**
 * The message gate: everything a client sends passes here before the rules see it. Rate limit
 * first (token buckets per client and per message type, before any parsing), then the type, then
 * the payload's schema. Time comes in, so it is tested without sockets or clocks.
 */
import { ErrorCode, describeIssues, type ErrorPayload } from "@arena/shared";
import type { $ZodType } from "zod/v4/core";
import { safeParse } from "zod/v4/core";
import { TokenBucket } from "../lib/token-bucket.js";

export interface GateLimits {
  /** Sustained messages per second per client; bursts of twice that. */
  messagesPerSecond: number;
  /** Warnings within STRIKE_WINDOW_MS that disconnect the client. */
  strikes: number;
}

export type GateVerdict =
  | { kind: "pass"; type: string; payload: unknown }
  /** Over the rate; the client was warned less than a second ago. */
  | { kind: "drop" }
  /** Over the rate: warn the client. */
  | { kind: "warn"; error: ErrorPayload; strikes: number }
  /** Struck out: tell the client and disconnect it. */
  | { kind: "disconnect"; error: ErrorPayload; strikes: number }
  /** Unknown type or a payload that fails its schema: a typed error, nothing else happens. */
  | { kind: "refuse"; error: ErrorPayload };

/** Strikes older than this are forgiven. */
export const STRIKE_WINDOW_MS = 10_000;

interface Budget {
  bucket: TokenBucket;
  perType: Map<string, TokenBucket>;
  strikes: number[];
  warnedAt: number;
}

/** Longest message type echoed back in an error. */
const TYPE_ECHO = 64;

export class MessageGate {
  private readonly budgets = new WeakMap<object, Budget>();
  private readonly typeRates = new Map<string, number>();

  /**
   * @param schemas the payload schema of every message type the mode accepts
   * @param rates message types with a tighter rate, as a share of the client's rate
   */
  constructor(
    private readonly limits: GateLimits,
    private readonly schemas: Readonly<Record<string, $ZodType>>,
    rates: Readonly<Record<string, number | undefined>> = {},
  ) {
    for (const [type, share] of Object.entries(rates)) {
      if (share !== undefined) this.typeRates.set(type, Math.max(1, limits.messagesPerSecond * share));
    }
  }

  /** Decides on one message from `client` (any object identifying it) received at `now` (ms). */
  check(client: object, type: unknown, payload: unknown, now: number): GateVerdict {
    const name = typeof type === "string" ? type : String(type);
    const known = Object.hasOwn(this.schemas, name);
    const rate = this.admit(client, known ? name : undefined, now);
    if (rate) return rate;
    if (!known) {
      const shown = name.slice(0, TYPE_ECHO);
      return { kind: "refuse", error: { code: ErrorCode.UnknownMessage, message: `unknown message type "${shown}"`, cause: shown } };
    }
    const parsed = safeParse(this.schemas[name] as $ZodType, payload);
    if (!parsed.success) return { kind: "refuse", error: { code: ErrorCode.InvalidMessage, message: describeIssues(parsed.error), cause: name } };
    return { kind: "pass", type: name, payload: parsed.data };
  }

  /** Forgets a client's budget (it left). */
  forget(client: object): void {
    this.budgets.delete(client);
  }

  private admit(client: object, type: string | undefined, now: number): GateVerdict | undefined {
    const { messagesPerSecond, strikes } = this.limits;
    let budget = this.budgets.get(client);
    if (!budget) {
      budget = { bucket: new TokenBucket(messagesPerSecond * 2, messagesPerSecond, now), perType: new Map(), strikes: [], warnedAt: Number.NEGATIVE_INFINITY };
      this.budgets.set(client, budget);
    }
    const typeRate = type === undefined ? undefined : this.typeRates.get(type);
    let typeBucket: TokenBucket | undefined;
    if (type !== undefined && typeRate !== undefined) {
      typeBucket = budget.perType.get(type);
      if (!typeBucket) budget.perType.set(type, (typeBucket = new TokenBucket(typeRate * 2, typeRate, now)));
    }
    if (budget.bucket.take(now) && (!typeBucket || typeBucket.take(now))) return undefined;
    if (now - budget.warnedAt < 1000) return { kind: "drop" };
    budget.warnedAt = now;
    budget.strikes = budget.strikes.filter((at) => now - at < STRIKE_WINDOW_MS);
    budget.strikes.push(now);
    if (budget.strikes.length >= strikes) {
      return { kind: "disconnect", strikes: budget.strikes.length, error: { code: ErrorCode.RateLimited, message: "too many messages: disconnected" } };
    }
    return {
      kind: "warn",
      strikes: budget.strikes.length,
      error: { code: ErrorCode.RateLimited, message: `too many messages (limit ${messagesPerSecond}/s); slow down or be disconnected` },
    };
  }
}
