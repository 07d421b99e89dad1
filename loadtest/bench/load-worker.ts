/**
 * The load generator process of the benchmark: opens and keeps N clients on one server and reports
 * what it sees every second. Driven over IPC by run.ts. Arena's modes are played by the same
 * protocol players the k6 scripts use (loadtest/protocol); the bare baseline room gets a small
 * `{x, y}` input stream. Nothing decodes state (frames and bytes are only counted), so it stays light.
 */
import WebSocket from "ws";
import {
  Protocol,
  createPlayer,
  guestAuthRequest,
  joinAck,
  matchmakeRequest,
  parseGuestAuth,
  parseReservation,
  roomDataFrame,
  webSocketUrl,
} from "../protocol/index.js";
import type { HttpRequest, MsgInput, Player, SeatReservation } from "../protocol/types.js";
import { TokenService } from "../../server/src/auth/tokens.js";
import { RawHttpPool, RawWebSocket } from "./raw-client.js";

/**
 * `floor`: the plain-ws floor server (no matchmaking: connect and send, like the bare clients).
 * `join-floor`: the join floor server (one POST, a WebSocket, one frame each way; see join-floor-server.ts).
 */
export type BenchMode = "race" | "quiz" | "war" | "dice" | "bare" | "floor" | "join-floor";

/**
 * Players coming and going (the soak): a player whose match finished leaves and a new one joins in
 * its place, and some leave in the middle of their match.
 */
export interface Churn {
  /** Leave this long after the match's `finished` message (as a player reads the result). */
  leaveAfterFinishMs: number;
  /** Share of the connected players that leave early each second (0.002 = 0.2 % a second). */
  earlyLeaveShare: number;
}

export interface WorkerConfig {
  url: string;
  /** Several nodes: matchmaking alternates between these (the WebSocket goes to the hosting node). */
  urls?: string[];
  churn?: Churn;
  /** `create`: every client opens a room of its own (a lobby that waits for more players); default joinOrCreate. */
  method?: "joinOrCreate" | "create";
  mode: BenchMode;
  options: { readonly [key: string]: MsgInput };
  /** Bare room: inputs per client per second (arena modes play at their own pace). */
  inputsPerSecond: number;
  /** Joins in flight at once. */
  joinConcurrency: number;
  /**
   * Open-loop arrivals: start a join every 1/rate seconds whether or not earlier ones are done (as
   * players arrive), instead of keeping `joinConcurrency` in flight. Measures latency at a given
   * arrival rate without the coordinated omission of a closed loop.
   */
  joinRatePerSecond?: number;
  /** Options for every protocol player (e.g. `inputRatePerS` of a racer). */
  playerOptions?: { readonly [key: string]: number };
  /**
   * Clients that only join: they acknowledge the join, count it done at the first full state and
   * then send nothing (no player, no pings), so a join is measured without any play.
   */
  passive?: boolean;
  /**
   * Spreads joins over rooms: join `i` asks for `option = from + floor(i / perRoom)`, a matchmaking
   * filter value of its own every `perRoom` joins, so no room gets more than `perRoom` players.
   */
  spread?: { option: string; from: number; perRoom: number };
  /**
   * Players' tokens signed here with the server's AUTH_SECRET (as its /auth/guest would), so the
   * server spends nothing on them while it is measured or profiled. Otherwise fetched from the server.
   */
  tokenSecret?: string;
}

export type WorkerCommand =
  | { type: "config"; config: WorkerConfig }
  | { type: "scale"; clients: number }
  /** Fetch guest tokens for the next `count` joins now, so a burst measures joins alone; answers `tokens-ready`. */
  | { type: "prefetch-tokens"; count: number }
  | { type: "stop" };

export interface WorkerStats {
  type: "stats";
  clients: number;
  rooms: number;
  framesIn: number;
  bytesIn: number;
  patches: number;
  framesOut: number;
  /** Payload bytes of the frames sent (WebSocket framing not included). */
  bytesOut: number;
  gameErrors: number;
  joinFailures: number;
  /** Matchmaking answered 503 (node unavailable or overloaded). */
  refused: number;
  /** A reservation was given but the WebSocket join with it was refused (the seat expired, say). */
  reservationsExpired: number;
  closed: number;
  /** Players that left because their match finished, and that left it early (churn). */
  leftFinished: number;
  leftEarly: number;
  joinMs: number[];
  rttMs: number[];
  loadCpuPct: number;
  /** Joins completed since the start, at `at` (ms since the epoch). */
  joinedTotal: number;
  at: number;
  /** The first few join failures of the second, as messages. */
  joinErrors: string[];
  /** TCP bytes read and written so far by the sockets connected now (WebSocket frames and the upgrade): the wire. */
  wireBytesIn: number;
  wireBytesOut: number;
}

/** The TCP socket under a `ws` client (not in its public types, but the library's own field). */
function tcp(socket: Client["socket"]): { bytesRead: number; bytesWritten: number } | undefined {
  return (socket as unknown as { _socket?: { bytesRead: number; bytesWritten: number } })._socket;
}

interface Client {
  socket: { send(data: Uint8Array): void; terminate(): void };
  seat: SeatReservation;
  /** Arena modes: the protocol player; the bare room has none. */
  player: Player | undefined;
  open: boolean;
  /** When the player's match finished (churn: it leaves a little later). */
  finishedAt?: number;
}

let config: WorkerConfig | undefined;
const clients: Client[] = [];
let target = 0;
let joining = 0;
let joined = 0;
let stopped = false;
const counters = { framesIn: 0, bytesIn: 0, patches: 0, framesOut: 0, bytesOut: 0, gameErrors: 0, joinFailures: 0, refused: 0, reservationsExpired: 0, closed: 0, leftFinished: 0, leftEarly: 0 };
let joinMs: number[] = [];
let joinErrors: string[] = [];
function joinFailed(error: unknown) {
  counters.joinFailures++;
  if (joinErrors.length < 3) joinErrors.push(error instanceof Error ? error.message : String(error));
}
let rttMs: number[] = [];
/** Tokens fetched ahead of a burst (`prefetch-tokens`), used by the next joins. */
const tokenPool: string[] = [];

async function http(request: HttpRequest) {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  return { status: response.status, body: await response.text() };
}

function send(client: Client, frame: Uint8Array) {
  if (!client.open) return;
  client.socket.send(frame);
  counters.framesOut++;
  counters.bytesOut += frame.length;
}

let signer: TokenService | undefined;

async function guestToken(cfg: WorkerConfig, index: number): Promise<string> {
  if (cfg.tokenSecret) {
    signer ??= new TokenService(cfg.tokenSecret, 86_400);
    return (await signer.issue(`bench-${index}`)).token;
  }
  const auth = parseGuestAuth(await http(guestAuthRequest(cfg.url, `bench-${index}`)));
  if (!auth.ok) throw new Error(`auth: ${auth.status} ${auth.code}`);
  return auth.value.token;
}

function joinOptions(cfg: WorkerConfig, index: number): WorkerConfig["options"] {
  if (!cfg.spread) return cfg.options;
  const { option, from, perRoom } = cfg.spread;
  return { ...cfg.options, [option]: from + Math.floor(index / perRoom) };
}

async function join(cfg: WorkerConfig, index: number): Promise<void> {
  // the token belongs to the player, not to the join: fetched before the clock starts
  if (cfg.mode === "floor") return joinFloor(cfg, index);
  if (cfg.mode === "join-floor") return joinFloorServer(cfg);
  if (cfg.passive) return joinPassive(cfg, index);
  const url = cfg.urls ? cfg.urls[index % cfg.urls.length]! : cfg.url;
  const token = cfg.mode === "bare" ? undefined : (tokenPool.pop() ?? (await guestToken({ ...cfg, url }, index)));
  const started = performance.now();
  // the bare room asks for no token; a bearer header it does not read costs nothing
  const seat = seatOf(await http(matchmakeRequest(url, cfg.mode, joinOptions(cfg, index), token ?? "none", cfg.method)));
  const player = cfg.mode === "bare" ? undefined : createPlayer(cfg.mode, { ...cfg.playerOptions, seed: index, pingIntervalMs: 5_000 });
  const socket = new WebSocket(webSocketUrl(url, seat, token));
  const client: Client = { socket, seat, player, open: false };
  let counted = false;
  await new Promise<void>((resolve, reject) => {
    socket.on("message", (data: Buffer) => {
      counters.framesIn++;
      counters.bytesIn += data.length;
      const code = (data[0] ?? 0) & 0x1f;
      if (code === Protocol.ROOM_STATE_PATCH) counters.patches++;
      const now = performance.now();
      if (player) {
        const replies = player.onFrame(data, now);
        // the first reply is the join acknowledgement: the socket counts as open from here
        if (player.joined) client.open = true;
        for (const frame of replies) send(client, frame);
      } else if (code === Protocol.JOIN_ROOM) {
        client.open = true;
        send(client, joinAck());
      }
      if (client.open && !counted) {
        counted = true;
        joinMs.push(now - started);
        resolve();
      }
    });
    socket.once("error", reject);
    socket.once("close", () => {
      client.open = false;
      counters.closed++;
      reject(new Error("closed before join"));
    });
  }).catch(countExpired);
  clients.push(client);
  joined++;
}

/** The seat of a matchmaking answer; a refusal (503 counted apart) throws. */
function seatOf(answer: Parameters<typeof parseReservation>[0]): SeatReservation {
  const reservation = parseReservation(answer);
  if (!reservation.ok) {
    if (reservation.status === 503) counters.refused++;
    throw new Error(`matchmake: ${reservation.status} ${reservation.code} ${reservation.message}`);
  }
  return reservation.value;
}

/** A WebSocket join refused after matchmaking gave a seat: the reservation was of no use (expired, say). */
function countExpired(error: unknown): never {
  counters.reservationsExpired++;
  throw error;
}

let rawPool: RawHttpPool | undefined;
function rawHttp(cfg: WorkerConfig): RawHttpPool {
  const url = new URL(cfg.url);
  rawPool ??= new RawHttpPool(url.hostname, Number(url.port));
  return rawPool;
}

/**
 * A passive client on raw sockets (see raw-client.ts): matchmaking, the WebSocket, the join
 * acknowledgement; done at the first full state, and silent from then on.
 */
async function joinPassive(cfg: WorkerConfig, index: number): Promise<void> {
  const token = tokenPool.pop() ?? (await guestToken(cfg, index));
  const started = performance.now();
  const request = matchmakeRequest(cfg.url, cfg.mode, joinOptions(cfg, index), token);
  const seat = seatOf(await rawHttp(cfg).post(new URL(request.url).pathname, request.headers, request.body ?? ""));
  const url = new URL(webSocketUrl(cfg.url, seat, token));
  await connectRaw(url, seat, (socket, code) => {
    if (code === Protocol.JOIN_ROOM) {
      socket.send(joinAck());
      counters.framesOut++;
    }
    return code === Protocol.ROOM_STATE;
  }, started).catch(countExpired);
}

/** A join at the join floor server: a POST answered with a small JSON, a WebSocket, one frame each way. */
async function joinFloorServer(cfg: WorkerConfig): Promise<void> {
  const started = performance.now();
  const answer = await rawHttp(cfg).post("/join", { "Content-Type": "application/json" }, '{"name":"bench"}');
  if (answer.status !== 200) throw new Error(`join floor: ${answer.status}`);
  const { id } = JSON.parse(answer.body) as { id: string };
  const url = new URL(`${cfg.url.replace(/^http/, "ws")}/${id}`);
  await connectRaw(url, { roomId: "join-floor" } as SeatReservation, (socket) => {
    socket.send(joinAck());
    counters.framesOut++;
    return true;
  }, started);
}

/** Opens a raw WebSocket; `onFrame` answers each frame and says when the join is done. */
function connectRaw(url: URL, seat: SeatReservation, onFrame: (socket: RawWebSocket, code: number) => boolean, started: number): Promise<void> {
  const socket = new RawWebSocket(url.hostname, Number(url.port), url.pathname + url.search);
  const client: Client = { socket, seat, player: undefined, open: false };
  return new Promise<void>((resolve, reject) => {
    socket.onFrame = (data) => {
      counters.framesIn++;
      counters.bytesIn += data.length;
      if (client.open || !onFrame(socket, (data[0] ?? 0) & 0x1f)) return;
      client.open = true;
      joinMs.push(performance.now() - started);
      clients.push(client);
      joined++;
      resolve();
    };
    socket.onClose = () => {
      counters.closed++;
      if (client.open) client.open = false;
      else reject(new Error("closed before join"));
    };
  });
}

/** A client of the floor server: a WebSocket and nothing else (rooms of 8 in connection order). */
async function joinFloor(cfg: WorkerConfig, index: number): Promise<void> {
  const started = performance.now();
  const socket = new WebSocket(cfg.url.replace(/^http/, "ws") + "/");
  const seat = { roomId: `floor-${Math.floor(index / 8)}` } as SeatReservation;
  const client: Client = { socket, seat, player: undefined, open: false };
  socket.on("message", (data: Buffer) => {
    counters.framesIn++;
    counters.bytesIn += data.length;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => {
      client.open = true;
      joinMs.push(performance.now() - started);
      resolve();
    });
    socket.once("error", reject);
  });
  socket.once("close", () => {
    client.open = false;
    counters.closed++;
  });
  clients.push(client);
  joined++;
}

/** Joins so far: each join gets its own index (its seed, and the node it asks with several nodes). */
let nextIndex = 0;
let scaling = false;

async function scale(cfg: WorkerConfig) {
  if (scaling) return;
  scaling = true;
  try {
    await fill(cfg);
  } finally {
    scaling = false;
  }
}

async function fill(cfg: WorkerConfig) {
  if (cfg.joinRatePerSecond) {
    // open loop: arrivals on a fixed schedule, each join measured from its own start
    const begin = performance.now();
    for (let i = 0; !stopped && joined + joining < target; i++) {
      const due = begin + (i * 1000) / cfg.joinRatePerSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      joining++;
      join(cfg, nextIndex++)
        .catch(joinFailed)
        .finally(() => joining--);
    }
    return;
  }
  // bounded concurrency: joins measure the server, not a stampede of our own
  while (!stopped && joined + joining < target) {
    if (joining >= cfg.joinConcurrency) {
      await new Promise((r) => setTimeout(r, 2));
      continue;
    }
    joining++;
    join(cfg, nextIndex++)
      .catch(joinFailed)
      .finally(() => joining--);
  }
}

/** Sends the player's LEAVE_ROOM and closes its socket. */
function leave(client: Client, now: number) {
  if (client.player) for (const frame of client.player.leave(now)) send(client, frame);
  client.open = false;
  // a passive client (raw socket) has no closing handshake to make
  if (client.socket instanceof WebSocket) client.socket.close();
  else client.socket.terminate();
}

/**
 * Churn, four times a second: players whose match finished leave once they have read the result,
 * a share leaves early, closed sockets are let go, and the freed seats are joined again.
 */
let earlyLeaveCarry = 0;
setInterval(() => {
  const cfg = config;
  if (!cfg?.churn || stopped) return;
  const churn = cfg.churn;
  const now = performance.now();
  earlyLeaveCarry += clients.length * churn.earlyLeaveShare * 0.25;
  const staying: Client[] = [];
  for (const client of clients) {
    const player = client.player;
    if (player?.finished && client.finishedAt === undefined) client.finishedAt = now;
    if (client.finishedAt !== undefined && now - client.finishedAt >= churn.leaveAfterFinishMs) {
      leave(client, now);
      counters.leftFinished++;
    } else if (client.finishedAt === undefined && client.open && earlyLeaveCarry >= 1 && Math.random() < 0.05) {
      earlyLeaveCarry--;
      leave(client, now);
      counters.leftEarly++;
    } else if (client.open) {
      staying.push(client);
      continue;
    }
    joined--;
  }
  clients.length = 0;
  clients.push(...staying);
  if (joined + joining < target) void scale(cfg);
}, 250);

// players tick every 20 ms; the bare clients send `inputsPerSecond`, spread evenly over the ticks
let step = 0;
setInterval(() => {
  const cfg = config;
  if (!cfg) return;
  const now = performance.now();
  if (cfg.passive || cfg.mode === "join-floor") return;
  if (cfg.mode === "bare" || cfg.mode === "floor") {
    // idle clients (memory of a socket at rest)
    if (cfg.inputsPerSecond <= 0) return;
    const slots = Math.max(1, Math.round(1000 / cfg.inputsPerSecond / 20));
    step = (step + 1) % slots;
    for (let i = step; i < clients.length; i += slots) {
      const client = clients[i]!;
      send(client, roomDataFrame("input", { x: Math.random() * 100, y: Math.random() * 100 }));
    }
    return;
  }
  for (const client of clients) {
    const player = client.player!;
    for (const frame of player.tick(now)) send(client, frame);
    const rtts = player.stats.rttMs;
    if (rtts.length > 0) {
      rttMs.push(...rtts);
      rtts.length = 0;
    }
  }
}, 20);

let cpuMark = process.cpuUsage();
let cpuAt = performance.now();
setInterval(() => {
  const used = process.cpuUsage(cpuMark);
  const now = performance.now();
  const gameErrors = clients.reduce((sum, c) => sum + (c.player ? Object.values(c.player.stats.unexpectedErrors).reduce((a, b) => a + b, 0) : 0), 0);
  const stats: WorkerStats = {
    type: "stats",
    clients: clients.filter((c) => c.open).length,
    rooms: new Set(clients.map((c) => c.seat.roomId)).size,
    ...counters,
    gameErrors,
    joinMs,
    rttMs,
    joinErrors,
    wireBytesIn: clients.reduce((sum, c) => sum + (tcp(c.socket)?.bytesRead ?? 0), 0),
    wireBytesOut: clients.reduce((sum, c) => sum + (tcp(c.socket)?.bytesWritten ?? 0), 0),
    loadCpuPct: ((used.user + used.system) / 1000 / (now - cpuAt)) * 100,
    joinedTotal: joined,
    at: Date.now(),
  };
  process.send?.(stats);
  cpuMark = process.cpuUsage();
  cpuAt = now;
  joinMs = [];
  rttMs = [];
  joinErrors = [];
  for (const key of Object.keys(counters) as Array<keyof typeof counters>) counters[key] = 0;
}, 1000);

process.on("message", (command: WorkerCommand) => {
  if (command.type === "config") config = command.config;
  else if (command.type === "scale" && config) {
    target = command.clients;
    void scale(config);
  } else if (command.type === "prefetch-tokens" && config) {
    const cfg = config;
    void (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (next < command.count) tokenPool.push(await guestToken(cfg, next++));
        }),
      );
      process.send?.({ type: "tokens-ready", count: tokenPool.length });
    })();
  } else if (command.type === "stop") {
    stopped = true;
    for (const c of clients) c.socket.terminate();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on("disconnect", () => process.exit(0));
