import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createAuthContext, matchMaker } from "@colyseus/core";
import { ErrorCode, type HttpErrorBody } from "@arena/shared";
import { KeyedBuckets } from "../lib/token-bucket.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics, RefusalReason } from "../observability/metrics.js";
import type { JoinAdmission } from "./admission.js";
import { matchmakeError, type MatchmakeErrorBody } from "./errors.js";
import { seekSeat, type SeatSeekingMethod } from "./seat-seeking.js";
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
   * Runs for a seat-seeking matchmaking request before it joins its room type's queue: verifying
   * the bearer token here leaves the queued call a cache hit, so the work the queue serialises is
   * only matchmaking. Errors are ignored here: the room's onAuth reports them in the queue.
   */
  beforeQueue?: (req: IncomingMessage) => Promise<unknown>;
  /** With several nodes: when matchmaking must be refused, and how long a request may take. */
  availability?: MatchmakingAvailability;
  /** Admission control of seat-seeking requests for the room types it `tracks` (the match rooms). */
  admission?: { control: JoinAdmission; tracks(roomName: string): boolean };
}

/** What the matchmaking front asks of the cluster before and while it matchmakes. */
export interface MatchmakingAvailability {
  /** Why matchmaking cannot be served now, or undefined. */
  refusal(): { reason: UnavailableReason; message: string } | undefined;
  /** Calls `listener` when matchmaking becomes impossible, so requests in flight are answered at once. */
  onRefusing(listener: () => void): () => void;
  /** Longest a request may wait for its answer, queue included, before it is refused. */
  deadlineMs: number;
}

/** Why a request is refused with 503 UNAVAILABLE (OVERLOADED is admission control's, see admission.ts). */
type UnavailableReason = Exclude<RefusalReason, "overloaded">;

/** Every matchmaking call (method, room name or id); answered here so every failure has one shape. */
const MATCHMAKE_CALL = /^\/matchmake\/([^/]+)\/([^/]+)$/;
/** Matchmaking calls that look for a room with a free seat: the ones that contend in a burst. */
const SEAT_SEEKING = new Set<string>(["joinOrCreate", "join"] satisfies SeatSeekingMethod[]);
const isSeatSeeking = (method: string): method is SeatSeekingMethod => SEAT_SEEKING.has(method);
/** Retry-After of each refusal; admission control hands out its own (see admission.ts), `overloaded` is its floor. */
const RETRY_AFTER_S: Record<RefusalReason, number> = { redis_unreachable: 2, resuming: 1, timeout: 1, draining: 5, overloaded: 1 };
const MAX_OPTIONS_BYTES = 16 * 1024;

/**
 * Seat-seeking matchmaking requests of one room type, one after another on this node. Concurrent
 * requests would pick the same room and all but one miss its seat. Taken one at a time (about a
 * millisecond each), every request finds a free seat at once. With several nodes each node queues
 * its own requests; across nodes a request that misses a seat tries the next room at once (see
 * seat-seeking.ts).
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

/** One answer per request, whichever comes first: the matchmaker's, the deadline's or an outage's. */
class Answer {
  done = false;
  readonly given: Promise<void>;
  private settle: () => void = () => {};

  constructor(
    private readonly res: ServerResponse,
    private readonly cors: Record<string, string>,
  ) {
    this.given = new Promise((resolve) => (this.settle = resolve));
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (this.done) return;
    this.done = true;
    sendJson(this.res, status, body, { ...this.cors, ...headers });
    this.settle();
  }
}

interface MatchmakeContext {
  queue: MatchmakingQueue;
  metrics: Metrics;
  beforeQueue: HttpFrontOptions["beforeQueue"];
  availability: MatchmakingAvailability | undefined;
  admission: HttpFrontOptions["admission"];
}

/** A matchmaking failure in Colyseus' shape with its stable code (see matchmakeError). */
function fail(answer: Answer, error: unknown, headers: Record<string, string> = {}): void {
  const { status, body } = matchmakeError(error);
  answer.json(status, body, headers);
}

/** A 503: `OVERLOADED` for admission control (which says when to come back), `UNAVAILABLE` otherwise. */
function refuse(answer: Answer, metrics: Metrics, reason: RefusalReason, message: string, retryAfterS = RETRY_AFTER_S[reason]): void {
  if (answer.done) return;
  metrics.matchmakingRefusals.labels(reason).inc();
  const code = reason === "overloaded" ? ErrorCode.Overloaded : ErrorCode.Unavailable;
  fail(answer, Object.assign(new Error(`${code}: ${message}`), { code: 503 }), { "Retry-After": String(retryAfterS) });
}

/**
 * Answers a matchmaking request as Colyseus' own route would, seat-seeking ones through the queue.
 * With several nodes it never hangs: refused at once while Redis is unreachable, refused as soon as
 * Redis becomes unreachable while it waits, and refused past the deadline (Redis or the node hosting
 * the room too slow). A refused request that has not reached the matchmaker yet never does, and a
 * seat-seeking one stops before its next attempt; a call already sent to a room cannot be withdrawn:
 * at worst it leaves a seat reservation nobody takes, which expires. On a node with more joins waiting than it serves within the seat reservation time,
 * a seat-seeking request is refused at once with 503 OVERLOADED (see admission.ts).
 */
async function matchmake(context: MatchmakeContext, req: IncomingMessage, res: ServerResponse, method: string, target: string, cors: Record<string, string>) {
  const answer = new Answer(res, cors);
  const { availability, metrics } = context;
  if (matchMaker.state === matchMaker.MatchMakerState.SHUTTING_DOWN) {
    refuse(answer, metrics, "draining", "the node is draining; use another node");
    return;
  }
  const unavailable = availability?.refusal();
  if (unavailable !== undefined) {
    refuse(answer, metrics, unavailable.reason, unavailable.message);
    return;
  }
  const admission = isSeatSeeking(method) && context.admission?.tracks(target) ? context.admission.control : undefined;
  if (admission) {
    const verdict = admission.admit();
    if (!verdict.admitted) {
      const message = `this node has more joins waiting than it serves within the seat reservation time; retry in ${verdict.retryAfterS} s`;
      refuse(answer, metrics, "overloaded", message, verdict.retryAfterS);
      return;
    }
  }
  let reservedHere: string | undefined;
  try {
    reservedHere = await matchmakeAdmitted(context, req, answer, method, target);
  } finally {
    admission?.answered(reservedHere);
  }
}

/** The seat a reservation holds on this process (its session), for admission control; undefined for another node's. */
function sessionReservedHere(reservation: unknown): string | undefined {
  const { sessionId, processId } = (reservation ?? {}) as { sessionId?: unknown; processId?: unknown };
  return typeof sessionId === "string" && processId === matchMaker.processId ? sessionId : undefined;
}

/** A matchmaking request past admission; returns the session of a seat reserved on this process. */
async function matchmakeAdmitted(context: MatchmakeContext, req: IncomingMessage, answer: Answer, method: string, target: string): Promise<string | undefined> {
  const { availability, metrics } = context;
  const deadline = availability
    ? setTimeout(() => refuse(answer, metrics, "timeout", `no answer within ${availability.deadlineMs} ms; retry shortly`), availability.deadlineMs)
    : undefined;
  const stopWatching = availability?.onRefusing(() => {
    const refusal = availability.refusal() ?? { reason: "redis_unreachable", message: "Redis is unreachable" };
    refuse(answer, metrics, refusal.reason, refusal.message);
  });
  try {
    let options: unknown;
    try {
      const text = await readBody(req, MAX_OPTIONS_BYTES);
      options = text.trim() === "" ? {} : (JSON.parse(text) as unknown);
    } catch (error) {
      const tooLarge = (error as { code?: unknown }).code === 413;
      fail(answer, tooLarge ? error : Object.assign(new Error("the options are not JSON"), { code: 400 }));
      return;
    }
    const auth = createAuthContext({ headers: req.headers as Record<string, string>, remoteAddress: req.socket.remoteAddress, req });
    await context.beforeQueue?.(req).catch(() => undefined);
    const call = async (): Promise<unknown> => {
      if (answer.done) return undefined;
      const invoked = isSeatSeeking(method)
        ? seekSeat(method, target, options, auth, () => answer.done, () => metrics.matchmakingSeatMisses.inc())
        : matchMaker.controller.invokeMethod(method, target, options ?? undefined, auth);
      invoked.catch(() => undefined);
      // a refused request releases the queue at once, even though its call goes on in Colyseus
      return Promise.race([invoked, answer.given.then(() => undefined)]);
    };
    const reservation = isSeatSeeking(method) ? await context.queue.run(target, call) : await call();
    if (reservation === undefined || answer.done) return undefined;
    answer.json(200, reservation);
    return sessionReservedHere(reservation);
  } catch (error) {
    fail(answer, error);
    return undefined;
  } finally {
    clearTimeout(deadline);
    stopWatching?.();
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
  const context: MatchmakeContext = {
    queue: new MatchmakingQueue(),
    metrics: options.metrics,
    beforeQueue: options.beforeQueue,
    availability: options.availability,
    admission: options.admission,
  };
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
      void matchmake(context, req, res, call[1] as string, call[2] as string, cors);
      return true;
    }
    return emit(event, ...args);
  }) as typeof server.emit;
  return buckets;
}
