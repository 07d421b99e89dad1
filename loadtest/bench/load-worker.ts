/**
 * The load generator process of the benchmark: opens and keeps N raw-protocol clients on one
 * server, each sending a small message at a steady rate, and reports what it sees every second.
 * Driven over IPC by run.ts; it decodes no state (it only counts frames and bytes), so it stays light.
 */
import { pack } from "msgpackr";
import WebSocket from "ws";

type Mode = "race" | "bare" | "quiz" | "war";

interface Config {
  url: string;
  mode: Mode;
  options: Record<string, unknown>;
  inputsPerSecond: number;
  /** The race starts this long after its room is full; inputs before that would only earn errors. */
  startDelayMs: number;
  /** Players per room: inputs start once a room has them all. */
  roomSize: number;
}

type Command = { type: "config"; config: Config } | { type: "scale"; clients: number } | { type: "stop" };

const FRAME = { JOIN_ROOM: 10, ERROR: 11, ROOM_DATA: 13, ROOM_STATE: 14, PATCH: 15, PING: 18 } as const;

interface Client {
  socket: WebSocket;
  roomId: string;
  joined: boolean;
  sendFrom: number;
  index: number;
}

let config: Config | undefined;
const clients: Client[] = [];
const roomsFilled = new Map<string, { count: number; fullAt: number }>();
let target = 0;
let joining = 0;
let stopped = false;
const counters = { framesIn: 0, bytesIn: 0, patches: 0, framesOut: 0, errors: 0, joinFailures: 0, closed: 0 };
let joinLatencies: number[] = [];
let tokenPool: string[] = [];

function roomDataFrame(type: string, payload: unknown): Buffer {
  return Buffer.concat([Buffer.from([FRAME.ROOM_DATA]), pack(type), pack(payload)]);
}

async function token(cfg: Config): Promise<string | undefined> {
  if (cfg.mode === "bare") return undefined;
  const cached = tokenPool.pop();
  if (cached) return cached;
  const res = await fetch(`${cfg.url}/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "bench" }),
  });
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error(`auth failed: ${res.status}`);
  return body.token;
}

async function join(cfg: Config, index: number): Promise<void> {
  const started = performance.now();
  const authToken = await token(cfg);
  const res = await fetch(`${cfg.url}/matchmake/joinOrCreate/${cfg.mode}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authToken ? { authorization: `Bearer ${authToken}` } : {}) },
    body: JSON.stringify(cfg.options),
  });
  const seat = (await res.json()) as { roomId?: string; processId?: string; sessionId?: string; publicAddress?: string };
  if (!seat.roomId || !seat.sessionId) throw new Error(`matchmaking failed: ${res.status} ${JSON.stringify(seat)}`);
  const host = seat.publicAddress ?? new URL(cfg.url).host;
  const query = `sessionId=${seat.sessionId}${authToken ? `&_authToken=${authToken}` : ""}`;
  const socket = new WebSocket(`ws://${host}/${seat.processId}/${seat.roomId}?${query}`);
  socket.binaryType = "nodebuffer";
  const client: Client = { socket, roomId: seat.roomId, joined: false, sendFrom: Number.POSITIVE_INFINITY, index };
  await new Promise<void>((resolve, reject) => {
    socket.on("message", (data: Buffer) => {
      counters.framesIn++;
      counters.bytesIn += data.length;
      const code = (data[0] ?? 0) & 0x1f;
      if (code === FRAME.PATCH) counters.patches++;
      else if (code === FRAME.JOIN_ROOM && !client.joined) {
        // the client must acknowledge the join before the server sends state
        socket.send(Buffer.from([FRAME.JOIN_ROOM]));
        client.joined = true;
        joinLatencies.push(performance.now() - started);
        const room = roomsFilled.get(client.roomId) ?? { count: 0, fullAt: 0 };
        room.count++;
        if (room.count >= cfg.roomSize && room.fullAt === 0) room.fullAt = performance.now();
        roomsFilled.set(client.roomId, room);
        resolve();
      } else if (code === FRAME.ROOM_DATA && data.includes("error")) {
        counters.errors++;
      }
    });
    socket.once("error", reject);
    socket.once("close", () => {
      counters.closed++;
      if (!client.joined) reject(new Error("closed before join"));
    });
  });
  clients.push(client);
}

async function scale(cfg: Config) {
  // bounded concurrency, so joins measure the server, not a stampede of our own
  while (!stopped && clients.length + joining < target) {
    if (joining >= 40) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    joining++;
    join(cfg, clients.length + joining)
      .catch(() => counters.joinFailures++)
      .finally(() => joining--);
  }
}

// one ticker sends for a tenth of the clients every 10 ms: a steady, even stream
let step = 0;
setInterval(() => {
  if (!config) return;
  const cfg = config;
  const now = performance.now();
  const slots = Math.round(1000 / cfg.inputsPerSecond / 10);
  step = (step + 1) % slots;
  for (let i = step; i < clients.length; i += slots) {
    const client = clients[i]!;
    if (!client.joined || client.socket.readyState !== WebSocket.OPEN) continue;
    const room = roomsFilled.get(client.roomId);
    if (!room || room.fullAt === 0 || now - room.fullAt < cfg.startDelayMs) continue;
    const frame =
      cfg.mode === "bare"
        ? roomDataFrame("input", { x: Math.random() * 100, y: Math.random() * 100 })
        : roomDataFrame("input", { throttle: 0.9, steer: Math.random() < 0.05 ? (Math.random() < 0.5 ? -1 : 1) : 0, boost: Math.random() < 0.02 });
    client.socket.send(frame);
    counters.framesOut++;
  }
}, 10);

let cpuMark = process.cpuUsage();
let cpuAt = performance.now();
setInterval(() => {
  const used = process.cpuUsage(cpuMark);
  const now = performance.now();
  const loadCpuPct = ((used.user + used.system) / 1000 / (now - cpuAt)) * 100;
  cpuMark = process.cpuUsage();
  cpuAt = now;
  process.send?.({
    type: "stats",
    loadCpuPct,
    clients: clients.filter((c) => c.socket.readyState === WebSocket.OPEN).length,
    rooms: new Set(clients.map((c) => c.roomId)).size,
    ...counters,
    joinMs: joinLatencies,
  });
  joinLatencies = [];
  for (const key of Object.keys(counters) as Array<keyof typeof counters>) counters[key] = 0;
}, 1000);

process.on("message", (command: Command) => {
  if (command.type === "config") config = command.config;
  else if (command.type === "scale" && config) {
    target = command.clients;
    void scale(config);
  } else if (command.type === "stop") {
    stopped = true;
    for (const c of clients) c.socket.terminate();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on("disconnect", () => process.exit(0));
void tokenPool;
