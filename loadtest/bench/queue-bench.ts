/**
 * The skill-based queue against random matching: players of normally distributed rating arrive
 * over a window; how long they wait (median, p95) and how far apart the ratings inside a match
 * are, versus groups formed in arrival order (what matching without ratings gives).
 *
 *   npx tsx loadtest/bench/queue-bench.ts [--players=1000] [--over=60] [--seed=1]
 *       the server's grouping (server/src/queue/grouping.ts) on simulated arrivals, one cycle a second
 *   npx tsx loadtest/bench/queue-bench.ts --sockets --players=200 --over=20
 *       a real server process (npm run build first) and SDK clients over WebSockets, ratings seeded
 *       in a scratch database (DATABASE_URL: an admin URL of the PostgreSQL server)
 *
 * Ratings are ordinals (mu − 3 sigma) ~ N(15, 8); the band is the server's default config.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { connect, type ArenaClient } from "../../client-sdk/src/index.js";
import { formGroups, type BandPolicy, type GroupShape, type QueueEntry } from "../../server/src/queue/grouping.js";
import { loadConfig } from "../../server/src/config.js";
import { seededRandom } from "../protocol/random.js";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const sockets = process.argv.includes("--sockets");
const PLAYERS = arg("players", sockets ? 200 : 1000);
const OVER_S = arg("over", sockets ? 20 : 60);
const SEED = arg("seed", 1);
const RATING_MEAN = 15;
const RATING_SD = 8;
const CYCLE_MS = 1000;

function population(count: number, overMs: number, seed: number): Array<{ id: string; rating: number; arrival: number }> {
  const rng = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Array.from({ length: count }, (_, i) => ({ id: `p${i}`, rating: RATING_MEAN + RATING_SD * normal(), arrival: rng() * overMs })).sort((a, b) => a.arrival - b.arrival);
}

const quantile = (values: readonly number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const spreadOf = (ratings: readonly number[]) => Math.max(...ratings) - Math.min(...ratings);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Summary {
  matches: number;
  shortMatches: number;
  waitMedianS: number;
  waitP95S: number;
  spreadMean: number;
  spreadMedian: number;
  spreadP95: number;
  unmatched: number;
}

function summarise(waitsMs: number[], groups: number[][], short: number, unmatched: number): Summary {
  const spreads = groups.map(spreadOf);
  return {
    matches: groups.length,
    shortMatches: short,
    waitMedianS: round(quantile(waitsMs, 0.5) / 1000),
    waitP95S: round(quantile(waitsMs, 0.95) / 1000),
    spreadMean: round(mean(spreads)),
    spreadMedian: round(quantile(spreads, 0.5)),
    spreadP95: round(quantile(spreads, 0.95)),
    unmatched,
  };
}

/** Matching without ratings: groups of `seats` in arrival order, each sent at the first cycle after its last member came. */
function randomMatching(players: ReturnType<typeof population>, seats: number): Summary {
  const waits: number[] = [];
  const groups: number[][] = [];
  for (let i = 0; i + seats <= players.length; i += seats) {
    const group = players.slice(i, i + seats);
    const sentAt = Math.ceil(group.at(-1)!.arrival / CYCLE_MS) * CYCLE_MS;
    for (const p of group) waits.push(sentAt - p.arrival);
    groups.push(group.map((p) => p.rating));
  }
  return summarise(waits, groups, 0, players.length % seats);
}

/** The server's grouping, asked once a cycle as the queue room does. */
function skillMatching(players: ReturnType<typeof population>, shape: GroupShape, policy: BandPolicy): Summary {
  const byId = new Map(players.map((p) => [p.id, p]));
  let waiting: QueueEntry[] = [];
  let next = 0;
  const waits: number[] = [];
  const groups: number[][] = [];
  let short = 0;
  for (let now = 0; now <= OVER_S * 1000 + 600_000 && (next < players.length || waiting.length > 0); now += CYCLE_MS) {
    while (next < players.length && players[next]!.arrival <= now) {
      const p = players[next++]!;
      waiting.push({ id: p.id, rating: p.rating, size: 1, queuedAt: p.arrival });
    }
    for (const group of formGroups(waiting, shape, policy, now)) {
      const members = new Set(group.members.map((m) => m.id));
      for (const id of members) waits.push(now - byId.get(id)!.arrival);
      groups.push([...members].map((id) => byId.get(id)!.rating));
      if (!group.full) short++;
      waiting = waiting.filter((e) => !members.has(e.id));
    }
  }
  return summarise(waits, groups, short, waiting.length);
}

const SHAPES: Array<{ name: string; shape: GroupShape }> = [
  { name: "race of 4 (no bots: short matches of 2 or more)", shape: { seats: 4, teams: 1, minHumans: 2 } },
  { name: "war of 3 + 3 (bots fill short matches)", shape: { seats: 6, teams: 2, minHumans: 1 } },
];

function simulate(): void {
  const policy = loadConfig({ NODE_ENV: "test" }).queue.band;
  const players = population(PLAYERS, OVER_S * 1000, SEED);
  console.log(`# ${PLAYERS} players, ratings ~ N(${RATING_MEAN}, ${RATING_SD}), arriving over ${OVER_S} s; band ${policy.base} + ${policy.perSecond}/s (max ${policy.max}), short groups after ${policy.fillAfterMs / 1000} s`);
  for (const { name, shape } of SHAPES) {
    console.log(JSON.stringify({ shape: name, skill: skillMatching(players, shape, policy), random: randomMatching(players, shape.seats) }));
  }
  console.log(JSON.stringify({ groupingCostMs: groupingCost(players, policy) }));
}

/** One cycle's grouping over every player waiting at once, a second into their wait (a narrow band: the most scanning per group). */
function groupingCost(players: ReturnType<typeof population>, policy: BandPolicy) {
  const entries = players.map((p) => ({ id: p.id, rating: p.rating, size: 1, queuedAt: 0 }));
  const out: Record<string, number> = {};
  for (const { name, shape } of SHAPES) {
    const times: number[] = [];
    for (let run = 0; run < 20; run++) {
      const started = performance.now();
      formGroups(entries, shape, policy, 1_000);
      times.push(performance.now() - started);
    }
    out[`${shape.seats} seats, ${entries.length} waiting`] = round(quantile(times, 0.5), 2);
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The same through a real server: players sign in, get seeded ratings, queue for a race of 4 and leave once seated. */
async function overSockets(): Promise<void> {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const name = `arena_queue_bench_${randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const port = await freePort();
  const server = spawn(process.execPath, ["server/dist/main.js"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      PATH: process.env.PATH ?? "",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: url.toString(),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "arena-queue-bench-")),
      LOG_LEVEL: "warn",
      HTTP_RATE_PER_MIN: "1000000",
      RACE_LOBBY_TIMEOUT_MS: "60000",
    },
  });
  const db = postgres(url.toString(), { max: 2, onnotice: () => {} });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/ready`).then((r) => r.status).catch(() => 0)) === 200) break;
      if (i > 300) throw new Error("server not ready");
      await new Promise((r) => setTimeout(r, 100));
    }
    const players = population(PLAYERS, OVER_S * 1000, SEED);
    const clients = new Map<string, { client: ArenaClient; playerId: string }>();
    for (const p of players) {
      const client = connect(base);
      const auth = await client.guest(p.id);
      clients.set(p.id, { client, playerId: auth.playerId });
    }
    // sigma 2: an established player; the ordinal the queue reads is mu − 6
    const rows = players.map((p) => ({ id: clients.get(p.id)!.playerId, name: p.id, mu: p.rating + 6, ordinal: p.rating }));
    await db`insert into players ${db(rows.map((r) => ({ id: r.id, display_name: r.name })))}`;
    await db`insert into player_ratings ${db(rows.map((r) => ({ player_id: r.id, mode: "race", season: "s1", mu: r.mu, sigma: 2, ordinal: r.ordinal, matches: 10 })))}`;

    const started = performance.now();
    const waits: number[] = [];
    const rooms = new Map<string, number[]>();
    let failed = 0;
    await Promise.all(
      players.map(async (p) => {
        await new Promise((r) => setTimeout(r, p.arrival));
        const queuedAt = performance.now();
        try {
          const room = await clients.get(p.id)!.client.queue("race", { maxPlayers: 4, trackLength: 50 });
          waits.push(performance.now() - queuedAt);
          rooms.set(room.roomId, [...(rooms.get(room.roomId) ?? []), p.rating]);
          await room.leave();
        } catch (error) {
          failed++;
          console.error(`# ${p.id}: ${String(error)}`);
        }
      }),
    );
    const groups = [...rooms.values()];
    const skill = summarise(waits, groups, groups.filter((g) => g.length < 4).length, failed);
    console.log(`# sockets: ${PLAYERS} players over ${OVER_S} s through one server process, race of 4, ${Math.round((performance.now() - started) / 1000)} s in all`);
    console.log(JSON.stringify({ shape: "race of 4, over sockets", skill, random: randomMatching(players, 4) }));
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    await db.end();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

if (sockets) await overSockets();
else simulate();
