/**
 * Memory per client and per room, each mode: a server run with --expose-gc, its memory read after a
 * full collection (the probe's `memory` command) at 0, N and 2N clients; the slope between N and 2N
 * is the cost of one more client. Two states:
 *  - running: clients join rooms of the mode's size (joinOrCreate) and play;
 *  - lobby: every client creates a room of its own, which waits for a second player (start delays
 *    raised so that none starts): the cost of one waiting room with its one client.
 * Beside it the floor: a plain `ws` server, clients idle and with the race's traffic.
 * Heap used (what JavaScript still references) against RSS (plus off-heap: socket buffers, the
 * allocator's retained pages) says where the memory goes.
 */
import { args, round, sleep, smoke, LoadGenerator, ServerUnderTest, type MemorySample } from "../harness.js";
import type { BenchMode, WorkerConfig } from "../load-worker.js";

const KB = 1024;

interface ModeSetup {
  mode: BenchMode;
  options: WorkerConfig["options"];
  /** Players per room when rooms fill (running). */
  roomSize: number;
}

/** Matches long enough to be still running when the 2N sample is taken. */
const MODES: ModeSetup[] = [
  { mode: "race", options: { maxPlayers: 8, trackLength: 5000 }, roomSize: 8 },
  { mode: "quiz", options: { minPlayers: 2, maxPlayers: 4, rounds: 20 }, roomSize: 4 },
  { mode: "war", options: { maxPlayers: 6, factions: 2, timeLimit: 600 }, roomSize: 6 },
  { mode: "dice", options: { maxPlayers: 4, dice: 5 }, roomSize: 4 },
];

/** No lobby starts during the measurement: one client never makes a match, and bots wait too. */
const LOBBY_ENV = { QUIZ_JOIN_WINDOW_MS: "600000", RACE_LOBBY_TIMEOUT_MS: "600000", DICE_LOBBY_TIMEOUT_MS: "600000", WAR_LOBBY_TIMEOUT_MS: "600000" };

interface Point {
  clients: number;
  rooms: number;
  memory: MemorySample;
}

/** The memory at 0, n and 2n clients. */
async function points(server: ServerUnderTest, load: LoadGenerator, n: number): Promise<Point[]> {
  const out: Point[] = [];
  for (const clients of [0, n, 2 * n]) {
    if (clients > 0) await load.scaleTo(clients);
    await sleep(smoke ? 1500 : 4000); // rooms started, first patches sent, buffers at their working size
    const memory = await server.memory();
    out.push({ clients: load.connected, rooms: load.stats.at(-1)?.rooms ?? 0, memory });
  }
  return out;
}

/** Bytes per added client between the N and 2N points (and the same for rooms), per memory kind. */
function slopes(ps: Point[]) {
  const [, a, b] = ps as [Point, Point, Point];
  const dc = Math.max(1, b.clients - a.clients);
  const dr = Math.max(1, b.rooms - a.rooms);
  const d = (pick: (m: MemorySample) => number) => pick(b.memory) - pick(a.memory);
  const perClientKb = (pick: (m: MemorySample) => number) => round(d(pick) / dc / KB, 1);
  return {
    clients: [a.clients, b.clients],
    rooms: [a.rooms, b.rooms],
    rssKbPerClient: perClientKb((m) => m.rssBytes),
    heapKbPerClient: perClientKb((m) => m.heapUsedBytes),
    externalKbPerClient: perClientKb((m) => m.externalBytes),
    arrayBuffersKbPerClient: perClientKb((m) => m.arrayBuffersBytes),
    rssKbPerRoom: round(d((m) => m.rssBytes) / dr / KB, 1),
    heapKbPerRoom: round(d((m) => m.heapUsedBytes) / dr / KB, 1),
    baseline: { rssMb: round(ps[0]!.memory.rssBytes / 2 ** 20), heapMb: round(ps[0]!.memory.heapUsedBytes / 2 ** 20) },
    gcForced: ps.every((p) => p.memory.gcForced),
  };
}

async function measureArena(setup: ModeSetup, state: "running" | "lobby", n: number) {
  const server = await ServerUnderTest.start("arena", state === "lobby" ? LOBBY_ENV : {}, { nodeFlags: ["--expose-gc"] });
  const load = new LoadGenerator({
    url: server.url,
    mode: setup.mode,
    options: setup.options,
    inputsPerSecond: 10,
    joinConcurrency: 20,
    ...(state === "lobby" ? { method: "create" as const } : {}),
  });
  try {
    const row = { mode: setup.mode, state, ...slopes(await points(server, load, n)) };
    console.log(JSON.stringify({ scenario: "memory", ...row }));
    return row;
  } finally {
    load.stop();
    await server.stop();
  }
}

async function measureFloor(traffic: boolean, n: number) {
  // idle: no frames either way; with traffic: the race's (10 frames in, 10 out per client and second)
  const server = await ServerUnderTest.start("floor", { FLOOR_OUT_HZ: traffic ? "10" : "0.001" }, { nodeFlags: ["--expose-gc"] });
  const load = new LoadGenerator({ url: server.url, mode: "floor", options: {}, inputsPerSecond: traffic ? 10 : 0, joinConcurrency: 40 });
  try {
    const row = { mode: "ws floor", state: traffic ? "10 in + 10 out/s" : "idle", ...slopes(await points(server, load, n)) };
    console.log(JSON.stringify({ scenario: "memory", ...row }));
    return row;
  } finally {
    load.stop();
    await server.stop();
  }
}

export async function memory() {
  const n = Number(args.get("memory-clients") ?? (smoke ? 16 : 400));
  const lobbyRooms = Number(args.get("memory-lobbies") ?? (smoke ? 8 : 200));
  // the smoke run checks the measurement on one mode (each mode is a few seconds more of CI)
  const modes = (args.get("memory-modes") ?? (smoke ? "race" : "race,quiz,war,dice")).split(",");
  const rows = [];
  for (const setup of MODES.filter((m) => modes.includes(m.mode))) {
    rows.push(await measureArena(setup, "running", n));
    rows.push(await measureArena(setup, "lobby", lobbyRooms));
  }
  rows.push(await measureFloor(false, n));
  rows.push(await measureFloor(true, n));
  return { summary: rows };
}
