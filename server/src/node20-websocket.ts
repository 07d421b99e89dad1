// Colyseus 0.18 reads the global `WebSocket.OPEN` when a client reconnects; Node 20 has no global
// WebSocket without a flag, so every reconnection would throw. Give it the `ws` class (Node 22 has its own).
import { WebSocket } from "ws";

if (typeof globalThis.WebSocket === "undefined") {
  Object.defineProperty(globalThis, "WebSocket", { value: WebSocket, writable: true, configurable: true });
}
