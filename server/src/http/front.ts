import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { ErrorCode, type HttpErrorBody } from "@arena/shared";
import { KeyedBuckets } from "../lib/token-bucket.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { CorsPolicy, clientIp } from "./security.js";

export interface HttpFrontOptions {
  logger: Logger;
  metrics: Metrics;
  cors: CorsPolicy;
  trustProxy: boolean;
  /** Requests per client IP per minute on the limited prefixes. */
  perMinute: number;
  limitedPrefixes: readonly string[];
}

const MATCHMAKE = /^\/matchmake\/([a-zA-Z]+)\//;
const KNOWN_METHODS = new Set(["joinOrCreate", "create", "join", "joinById", "reconnect"]);
/** Scrapes and probes: logged at debug, not info. */
const QUIET = new Set(["/health", "/ready", "/metrics"]);

function matchmakingOutcome(status: number): string {
  if (status < 300) return "ok";
  if (status === 400) return "invalid";
  if (status === 401) return "unauthorized";
  if (status === 429) return "rate_limited";
  if (status === 503) return "unavailable";
  return "error";
}

function routeGroup(path: string): string {
  const first = path.split("/")[1] ?? "";
  return ["auth", "leaderboards", "players", "matches", "health", "ready", "metrics", "admin", "play"].includes(first) ? first : "other";
}

function validRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" && /^[\w.-]{1,64}$/.test(value) ? value : undefined;
}

/**
 * Sits in front of every HTTP listener (Colyseus answers matchmaking with its own router, before
 * Express), so one place gives each request an id, logs it, counts it, and applies the per-IP limit.
 */
export function installHttpFront(server: Server, options: HttpFrontOptions): KeyedBuckets {
  const buckets = new KeyedBuckets(options.perMinute, options.perMinute / 60);
  const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
  server.emit = ((event: string, ...args: unknown[]) => {
    if (event !== "request") return emit(event, ...args);
    const [req, res] = args as [IncomingMessage, ServerResponse];
    const started = performance.now();
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const reqId = validRequestId(req.headers["x-request-id"]) ?? randomUUID();
    res.setHeader("x-request-id", reqId);
    const mm = MATCHMAKE.exec(path);
    const method = mm ? (KNOWN_METHODS.has(mm[1] as string) ? (mm[1] as string) : "other") : undefined;

    res.once("finish", () => {
      const seconds = (performance.now() - started) / 1000;
      if (method) {
        options.metrics.matchmakingRequests.labels(method, matchmakingOutcome(res.statusCode)).inc();
        options.metrics.matchmakingDuration.labels(method).observe(seconds);
      } else if (req.method !== "OPTIONS") {
        options.metrics.httpRequests.labels(routeGroup(path), `${Math.floor(res.statusCode / 100)}xx`).inc();
      }
      const line = { reqId, method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 10_000) / 10 };
      if (QUIET.has(path) && res.statusCode < 400) options.logger.debug(line, "http request");
      else options.logger.info(line, "http request");
    });

    if (req.method !== "OPTIONS" && options.limitedPrefixes.some((prefix) => path.startsWith(prefix))) {
      const verdict = buckets.take(clientIp(req, options.trustProxy), Date.now());
      if (!verdict.allowed) {
        const retryAfter = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
        const body: HttpErrorBody = { code: ErrorCode.RateLimited, message: `too many requests; retry in ${retryAfter} s` };
        res.writeHead(429, {
          "Content-Type": "application/json",
          "Retry-After": String(retryAfter),
          ...CorsPolicy.baseHeaders,
          ...options.cors.headersFor(req.headers.origin),
        });
        res.end(JSON.stringify(body));
        return true;
      }
    }
    return emit(event, ...args);
  }) as typeof server.emit;
  return buckets;
}
