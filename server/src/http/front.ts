import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createAuthContext, matchMaker } from "@colyseus/core";
import { ErrorCode, type HttpErrorBody } from "@arena/shared";
import { KeyedBuckets } from "../lib/token-bucket.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { matchmakeError, type MatchmakeErrorBody } from "./errors.js";
import { CorsPolicy, clientIp } from "./security.js";

export interface HttpFrontOptions {
  logger: Logger;
  metrics: Metrics;
  cors: CorsPolicy;
  trustProxy: boolean;
  /** Requests per client IP per minute on the limited prefixes. */
  perMinute: number;
  limitedPrefixes: readonly string[];
  /**
   * Runs for a seat-seeking matchmaking request before it joins its room type's queue, alongside
   * other requests: verifying the bearer token here (WebCrypto finishes on the thread pool, a whole
   * event-loop turn) leaves the queued call a cache hit, so the queue never waits on it. Errors are
   * ignored here: the room's onAuth reports them in the queue.
   */
  beforeQueue?: (req: IncomingMessage) => Promise<unknown>;
}

/** Every matchmaking call (method, room name or id); answered here so every failure has one shape. */
const MATCHMAKE_CALL = /^\/matchmake\/([^/]+)\/([^/]+)$/;
/** Matchmaking calls that look for a room with a free seat: the ones that contend in a burst. */
const QUEUED = new Set(["joinOrCreate", "join"]);
const MAX_OPTIONS_BYTES = 16 * 1024;

/**
 * Seat-seeking matchmaking requests of one room type, one after another on this node. Colyseus'
 * matchmaker is optimistic: in a burst, concurrent requests pick the same room, all but one miss
 * the seat and retry after random backoffs of hundreds of milliseconds. Taken one at a time (about
 * a millisecond each), every request finds a free seat at once. With several nodes each node
 * queues its own requests; across nodes Colyseus' own handling stays in charge.
 */
class MatchmakingQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // drop the rest unread, as Express' body parser does, so the client gets the 413 on a usable connection
        req.removeAllListeners("data");
        req.resume();
        reject(Object.assign(new Error(`the options are over ${limit} bytes`), { code: 413 }));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  const json = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(json)), ...headers });
  res.end(json);
}

function sendMatchmakeError(res: ServerResponse, error: unknown, cors: Record<string, string>) {
  const { status, body } = matchmakeError(error);
  sendJson(res, status, body, cors);
}

/**
 * Answers a matchmaking request as Colyseus' own route would, its failures in Colyseus' shape with a
 * stable code (see matchmakeError); seat-seeking calls wait in their room type's queue.
 */
async function matchmakeQueued(
  queue: MatchmakingQueue,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  room: string,
  cors: Record<string, string>,
  beforeQueue: HttpFrontOptions["beforeQueue"],
) {
  if (matchMaker.state === matchMaker.MatchMakerState.SHUTTING_DOWN) {
    sendMatchmakeError(res, Object.assign(new Error(`${ErrorCode.Unavailable}: the node is draining`), { code: 503 }), cors);
    return;
  }
  let options: unknown;
  try {
    const text = await readBody(req, MAX_OPTIONS_BYTES);
    options = text.trim() === "" ? {} : (JSON.parse(text) as unknown);
  } catch (error) {
    const tooLarge = (error as { code?: unknown }).code === 413;
    sendMatchmakeError(res, tooLarge ? error : Object.assign(new Error("the options are not JSON"), { code: 400 }), cors);
    return;
  }
  const auth = createAuthContext({ headers: req.headers as Record<string, string>, remoteAddress: req.socket.remoteAddress, req });
  const invoke = () => matchMaker.controller.invokeMethod(method, room, options ?? undefined, auth);
  try {
    let reservation: unknown;
    if (QUEUED.has(method)) {
      await beforeQueue?.(req).catch(() => undefined);
      reservation = await queue.run(room, invoke);
    } else {
      reservation = await invoke();
    }
    sendJson(res, 200, reservation, cors);
  } catch (error) {
    sendMatchmakeError(res, error, cors);
  }
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
  const queue = new MatchmakingQueue();
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
        const message = `too many requests; retry in ${retryAfter} s`;
        // matchmaking answers in Colyseus' shape, the other routes in ours
        const body: HttpErrorBody | MatchmakeErrorBody = mm
          ? matchmakeError(Object.assign(new Error(message), { code: 429 })).body
          : { code: ErrorCode.RateLimited, message };
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
    const call = req.method === "POST" ? MATCHMAKE_CALL.exec(path) : null;
    if (call) {
      const cors = { ...CorsPolicy.baseHeaders, ...options.cors.headersFor(req.headers.origin) };
      void matchmakeQueued(queue, req, res, call[1] as string, call[2] as string, cors, options.beforeQueue);
      return true;
    }
    return emit(event, ...args);
  }) as typeof server.emit;
  return buckets;
}
