/**
 * The floor under any Colyseus room on this machine: a plain `ws` server (the library under
 * @colyseus/ws-transport) with no Colyseus and no game, moving the same traffic as a room of 8.
 * Clients are grouped by 8 in connection order; each group gets a 95-byte frame (the size of the
 * bare room's patch per client) FLOOR_OUT_HZ times a second; incoming frames are only counted.
 * Whatever a room costs above this is Colyseus and game logic; this part no room can avoid.
 */
import { createServer } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";

const port = Number(process.env.PORT ?? 2571);
const outHz = Number(process.env.FLOOR_OUT_HZ ?? 20);
const intervalMs = 1000 / outHz;
const frame = Buffer.alloc(95, 7);
const ticks = { total: 0, late: 0 };
let received = 0;

let forming: WebSocket[] = [];
function startGroup(group: WebSocket[]) {
  let previous = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    ticks.total++;
    if (now - previous > intervalMs * 1.5) ticks.late++;
    previous = now;
    for (const socket of group) if (socket.readyState === socket.OPEN) socket.send(frame);
    if (group.every((socket) => socket.readyState !== socket.OPEN)) clearInterval(timer);
  }, intervalMs);
}

const http = createServer((req, res) => {
  res.writeHead(req.url === "/__healthcheck" ? 200 : 404).end();
});
const wss = new WebSocketServer({ server: http, maxPayload: 4096 });
wss.on("connection", (socket) => {
  socket.on("message", () => received++);
  forming.push(socket);
  if (forming.length === 8) {
    startGroup(forming);
    forming = [];
  }
});
http.listen(port, "127.0.0.1", () => console.log(JSON.stringify({ msg: "ws floor server listening", port, outHz })));
if (process.send) {
  setInterval(() => process.send?.({ type: "ticks", ...ticks, received }), 1000).unref();
  process.on("disconnect", () => process.exit(0));
}
