/**
 * The floor under a join on this machine: a plain Node `http` server and `ws` doing what any join
 * must, and nothing else. A join is one POST answered with a small JSON (the matchmaking request
 * and its reservation), a WebSocket upgrade on the path it names, one frame to the client (the
 * join and first state) and one back (the acknowledgement). Whatever a join into arena costs above
 * this is Colyseus and arena.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 2572);
const welcome = Buffer.alloc(64, 7);
let acknowledged = 0;

const http = createServer((req, res) => {
  if (req.method === "POST" && req.url === "/join") {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const { name } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { name?: unknown };
      const body = JSON.stringify({ id: randomUUID(), name: typeof name === "string" ? name : "guest" });
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) }).end(body);
    });
    return;
  }
  res.writeHead(req.url === "/__healthcheck" ? 200 : 404).end();
});
const wss = new WebSocketServer({ server: http, maxPayload: 4096 });
wss.on("connection", (socket) => {
  socket.once("message", () => acknowledged++);
  socket.send(welcome);
});
http.listen(port, "127.0.0.1", () => console.log(JSON.stringify({ msg: "join floor server listening", port })));
if (process.send) {
  setInterval(() => process.send?.({ type: "ticks", total: acknowledged, late: 0 }), 1000).unref();
  process.on("disconnect", () => process.exit(0));
}
