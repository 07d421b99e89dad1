import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import { count, eq, inArray } from "drizzle-orm";
import type { QuizRoom, RaceRoom } from "@arena/client-sdk";
import type { RaceFinishedPayload } from "@arena/shared/modes/race/contract";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { matchParticipants, matches } from "../../src/persistence/schema.js";
import { startNode, type Node } from "./cluster.js";
import { silentLogger } from "./fixtures.js";
import { autoAnswer } from "./quiz-play.js";
import { RedisServer } from "./redis-server.js";
import { createScratchDatabase } from "./scratch-database.js";
import { freePort, type ServerProcess } from "./server-process.js";
import { TcpProxy } from "./tcp-proxy.js";

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Short matches, so a chaos test plays whole matches in seconds; every test client comes from 127.0.0.1, hence no per-IP limit. */
export const CHAOS_ENV: Record<string, string> = {
  HTTP_RATE_PER_MIN: "100000",
  RACE_COUNTDOWN_MS: "300",
  RACE_LOBBY_TIMEOUT_MS: "60000",
  QUIZ_JOIN_WINDOW_MS: "100",
  QUIZ_ANSWER_WINDOW_MS: "1500",
  QUIZ_REVEAL_MS: "200",
  WAR_LOBBY_TIMEOUT_MS: "200",
  POST_MATCH_LINGER_MS: "1000",
  RESULTS_RETRY_MAX_MS: "1000",
};

/** What one fault cost, printed as one `# chaos {...}` line (BENCHMARKS.md's table is made of them). */
export interface FaultFigures {
  fault: string;
  /** How long the fault lasted. */
  faultMs: number;
  /** From the end of the fault until every node was ready and matchmaking again. */
  recoveryMs: number;
  matches: number;
  lost: number;
  doubled: number;
  hiddenRooms: number;
  requests: number;
  hungOver1s: number;
  slowestMs: number;
  refused503: number;
}

export function report(figures: FaultFigures): void {
  console.log(`# chaos ${JSON.stringify(figures)}`);
  if (process.env.CHAOS_FIGURES) appendFileSync(process.env.CHAOS_FIGURES, `${JSON.stringify({ ...figures, at: new Date().toISOString() })}\n`);
}

/** One timed request of a probe. */
export interface Sample {
  what: string;
  node: string;
  at: number;
  status: number;
  ms: number;
  body: string;
  retryAfter: string | null;
}

/**
 * Requests made during a fault, each timed, as a client sees them: a request that fails to connect
 * counts with status 0. Every request is bounded (5 s) so a hang shows as a slow sample, not a stuck test.
 */
export class Probe {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();

  async request(what: string, node: ServerProcess & { name?: string }, path: string, init?: RequestInit): Promise<Sample> {
    const started = performance.now();
    let status = 0;
    let body = "";
    let retryAfter: string | null = null;
    try {
      const res = await fetch(`${node.url}${path}`, { ...init, signal: AbortSignal.timeout(5_000) });
      status = res.status;
      retryAfter = res.headers.get("retry-after");
      body = await res.text();
    } catch (error) {
      body = String(error);
    }
    const sample = { what, node: node.env.NODE_ID ?? String(node.port), at: Date.now(), status, ms: performance.now() - started, body, retryAfter };
    this.samples.push(sample);
    return sample;
  }

  /** Runs `round` every `everyMs` until `stop`, rounds overlapping if one is slow. */
  every(everyMs: number, round: () => Promise<unknown>): void {
    this.timer = setInterval(() => {
      const running = round().then(() => undefined, () => undefined);
      this.inFlight.add(running);
      void running.then(() => this.inFlight.delete(running));
    }, everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  slowest(): number {
    return Math.max(0, ...this.samples.map((s) => s.ms));
  }

  hung(limitMs = 1_000): Sample[] {
    return this.samples.filter((s) => s.ms > limitMs);
  }
}

/** A matchmaking request of a probe: joinOrCreate for `options`, with a player's token. */
export function matchmakeInit(token: string, options: object): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(options) };
}

export function guestInit(name: string): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) };
}

/** A scratch PostgreSQL database for the nodes of one test, where every stored row can be counted. */
export async function resultsDatabase(): Promise<{ url: string; db: Database; close: () => Promise<void> }> {
  const scratch = await createScratchDatabase();
  const db = await openDatabase({ databaseUrl: scratch.url, dataDir: "", logger: silentLogger });
  await db.migrate();
  return {
    url: scratch.url,
    db,
    close: async () => {
      await db.close();
      await scratch.drop();
    },
  };
}

/** Two nodes on a Redis of the test's own, results in a scratch database. */
export interface ChaosCluster {
  redis: RedisServer;
  /** Between Redis and the nodes named `behindProxy`: the test may take it down or pause it. */
  proxy: TcpProxy;
  results: Awaited<ReturnType<typeof resultsDatabase>>;
  a: Node;
  b: Node;
  close(): Promise<void>;
}

export async function startChaosCluster(prefix: string, behindProxy: ReadonlyArray<"a" | "b">): Promise<ChaosCluster> {
  const redis = await RedisServer.start();
  const proxy = new TcpProxy(await freePort(), { host: "127.0.0.1", port: redis.port });
  await proxy.up();
  const results = await resultsDatabase();
  const env = { ...CHAOS_ENV, DATABASE_URL: results.url };
  const start = async (name: "a" | "b") =>
    startNode(behindProxy.includes(name) ? `redis://127.0.0.1:${proxy.listenPort}/0` : redis.url(), {
      ...env,
      PORT: String(await freePort()),
      NODE_ID: `${prefix}-${name}`,
    });
  const a = await start("a");
  const b = await start("b");
  const cluster: ChaosCluster = {
    redis,
    proxy,
    results,
    a,
    b,
    async close() {
      for (const node of [cluster.a, cluster.b]) node.kill("SIGCONT");
      await Promise.all([cluster.a.stop(), cluster.b.stop()]);
      proxy.resume();
      await proxy.down();
      await redis.kill();
      await results.close();
    },
  };
  return cluster;
}

/**
 * Checks every match the clients saw end is stored exactly once, and that no stored match is a twin:
 * a second match holding the same human player at the same time (a duplicate room playing itself
 * out would be one). Matches the test caused and left (a lobby abandoned) are allowed.
 */
export async function assertStoredOnce(database: Database, finished: ReadonlyArray<{ matchId: string; players: number }>) {
  const ids = finished.map((f) => f.matchId);
  assert.equal(new Set(ids).size, ids.length, "clients saw each match end once");
  const rows = await database.db.select({ id: matches.id }).from(matches).where(inArray(matches.id, ids));
  const lost = ids.length - rows.length;
  assert.equal(lost, 0, "every finished match is stored");
  const [seats] = await database.db.select({ n: count() }).from(matchParticipants).where(inArray(matchParticipants.matchId, ids));
  assert.equal(Number(seats?.n ?? 0), finished.reduce((sum, f) => sum + f.players, 0), "each match with its players, once");

  const played = await database.db
    .select({ matchId: matches.id, playerId: matchParticipants.playerId, startedAt: matches.startedAt, endedAt: matches.endedAt })
    .from(matchParticipants)
    .innerJoin(matches, eq(matches.id, matchParticipants.matchId))
    .where(eq(matchParticipants.isBot, false));
  const twins = new Set<string>();
  for (const x of played) {
    for (const y of played) {
      if (x.matchId < y.matchId && x.playerId === y.playerId && x.startedAt < y.endedAt && y.startedAt < x.endedAt) twins.add(`${x.matchId}/${y.matchId}`);
    }
  }
  assert.deepEqual([...twins], [], "no player was in two stored matches at once");
  return { lost, doubled: twins.size };
}

/** Waits until some node logged "match result stored" for each match (one polling loop for all nodes). */
export async function storedByAny(nodes: readonly ServerProcess[], matchIds: readonly string[], timeoutMs = 20_000): Promise<void> {
  const stored = (id: string) => nodes.some((node) => node.logs.some((l) => l.msg === "match result stored" && l.matchId === id));
  const deadline = Date.now() + timeoutMs;
  while (!matchIds.every(stored)) {
    if (Date.now() > deadline) throw new Error(`not stored within ${timeoutMs} ms: ${matchIds.filter((id) => !stored(id)).join(", ")}`);
    await wait(50);
  }
}

/** Sends full throttle until stopped. */
export function drive(room: RaceRoom, everyMs = 100): () => void {
  const timer = setInterval(() => room.send("input", { throttle: 1, steer: 0, boost: false }), everyMs);
  return () => clearInterval(timer);
}

/** Plays a race to its end (full throttle) and returns what the first racer saw. */
export async function raceToEnd(rooms: RaceRoom[], timeoutMs = 60_000): Promise<RaceFinishedPayload> {
  const stops = rooms.map((room) => drive(room));
  try {
    return await rooms[0]!.next("finished", timeoutMs);
  } finally {
    stops.forEach((stop) => stop());
  }
}

/** Answers every quiz round after `delayMs` (first choice, or the lowest number). */
export function answerSlowly(room: QuizRoom, delayMs: number): () => void {
  return autoAnswer(room, (question) => (question.kind === "choice" ? 0 : question.minValue), delayMs);
}

interface Listing {
  roomId: string;
  processId: string;
  metadata?: { trackLength?: number };
}

/** Every room listing in Redis. */
export function allListings(redis: RedisServer): Listing[] {
  const flat = redis.cli("hgetall", "roomcaches").stdout.split("\n").filter((line) => line !== "");
  const listings: Listing[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) listings.push(JSON.parse(flat[i + 1]!) as Listing);
  return listings;
}

/** Room ids listed in Redis for a process. */
export function listingsOf(redis: RedisServer, processId: string): string[] {
  return allListings(redis)
    .filter((l) => l.processId === processId)
    .map((l) => l.roomId);
}

/** Rooms alive in a node's process, from its own metrics. */
async function roomsActive(node: ServerProcess): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  return [...text.matchAll(/^arena_rooms_active\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/**
 * Rooms running on the nodes without a listing, once repairs had up to `withinMs` to run (a health
 * check started during a fault may remove a node's listings after it is back; the node restores them).
 */
export async function hiddenRooms(redis: RedisServer, nodes: readonly Node[], withinMs = 5_000): Promise<number> {
  const count = async () => {
    let hidden = 0;
    for (const node of nodes) hidden += (await roomsActive(node)) - listingsOf(redis, node.processId).length;
    return hidden;
  };
  const deadline = Date.now() + withinMs;
  while ((await count()) !== 0 && Date.now() < deadline) await wait(100);
  return count();
}

/** Lines a node wrote that are not JSON (the ioredis stack spam this work removed). */
export function nonJsonLines(node: ServerProcess): string[] {
  return node.rawOutput.filter((line) => line.trim() !== "" && !line.startsWith("{"));
}
