/**
 * The baseline: a bare Colyseus 0.18 room with no game logic, on the same transport as arena.
 * Rooms of 8, a 20 Hz loop, every client input copied into the state (so patches carry changes).
 * Reports its ticks (and late ticks) like arena does, over IPC when the benchmark started it.
 */
import { WebSocket } from "ws";
import { Room, defineRoom, defineServer } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { schema, t, type SchemaType } from "@colyseus/schema";

if (typeof globalThis.WebSocket === "undefined") Object.defineProperty(globalThis, "WebSocket", { value: WebSocket });

const BarePlayer = schema({ x: t.float32().default(0), y: t.float32().default(0) }, "BarePlayer");
const BareState = schema({ players: t.map(BarePlayer) }, "BareState");
type BareState = SchemaType<typeof BareState>;

const TICK_MS = 50;
/** State patches per second (Colyseus' default is 20); the message-cost scenario varies it. */
const PATCH_HZ = Number(process.env.BARE_PATCH_HZ ?? 20);
const ticks = { total: 0, late: 0 };

class BareRoom extends Room<{ state: BareState }> {
  override maxClients = 8;

  override onCreate() {
    this.state = new BareState();
    this.patchRate = 1000 / PATCH_HZ;
    this.onMessage("input", (client, message: { x?: unknown; y?: unknown }) => {
      const player = this.state.players.get(client.sessionId);
      if (player && typeof message?.x === "number" && typeof message.y === "number") {
        player.x = message.x;
        player.y = message.y;
      }
    });
    let previous = performance.now();
    this.setTimestep(() => {
      const now = performance.now();
      ticks.total++;
      if (now - previous > TICK_MS * 1.5) ticks.late++;
      previous = now;
    }, TICK_MS);
  }

  override onJoin(client: { sessionId: string }) {
    this.state.players.set(client.sessionId, new BarePlayer());
  }

  override onLeave(client: { sessionId: string }) {
    this.state.players.delete(client.sessionId);
  }

  override onUncaughtException(error: Error) {
    console.error(error);
  }
}

const port = Number(process.env.PORT ?? 2570);
const server = defineServer({
  rooms: { bare: defineRoom(BareRoom) },
  transport: new WebSocketTransport(),
  greet: false,
});
await server.listen(port, "127.0.0.1");
console.log(JSON.stringify({ msg: "bare server listening", port }));
if (process.send) {
  setInterval(() => process.send?.({ type: "ticks", ...ticks }), 1000).unref();
  process.on("disconnect", () => process.exit(0));
}
