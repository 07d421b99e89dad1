// Drives the load client's players from Node: fetch for HTTP and the `ws` package for the socket,
// doing what the k6 layer does with k6/http and k6/websockets.
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import {
  guestAuthRequest,
  matchmakeRequest,
  parseGuestAuth,
  parseReservation,
  toBytes,
  webSocketUrl,
} from "../../protocol/index.js";
import type { HttpRequest, HttpResponseLike, HttpResult, MsgInput, Player, SeatReservation } from "../../protocol/types.js";

async function send(request: HttpRequest): Promise<HttpResponseLike> {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  return { status: response.status, body: await response.text() };
}

function value<T>(result: HttpResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${result.status} ${result.code} ${result.message}`);
  return result.value;
}

export async function guestToken(baseUrl: string, name: string): Promise<string> {
  return value(parseGuestAuth(await send(guestAuthRequest(baseUrl, name))), "auth").token;
}

export async function reserveSeat(
  baseUrl: string,
  room: string,
  options: { readonly [key: string]: MsgInput },
  token: string,
): Promise<SeatReservation> {
  return value(parseReservation(await send(matchmakeRequest(baseUrl, room, options, token))), `matchmake ${room}`);
}

export interface SeatPlay {
  baseUrl: string;
  seat: SeatReservation;
  token: string;
  player: Player;
  /** Leave after this long even if the match has not finished. */
  maxPlayMs: number;
  tickMs?: number;
}

export interface SessionResult {
  seat: SeatReservation;
  player: Player;
  closeCode: number;
  /** Socket errors reported by `ws`, if any. */
  socketErrors: string[];
}

/** Opens the seat's WebSocket, plays until `finished` (or `maxPlayMs`), leaves, and resolves on close. */
export function playSeat({ baseUrl, seat, token, player, maxPlayMs, tickMs = 20 }: SeatPlay): Promise<SessionResult> {
  const now = () => performance.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(webSocketUrl(baseUrl, seat, token));
    ws.binaryType = "arraybuffer"; // what k6 delivers
    const socketErrors: string[] = [];
    const deadline = now() + maxPlayMs;
    let ticker: NodeJS.Timeout | undefined;
    let forceClose: NodeJS.Timeout | undefined;

    const transmit = (frames: Uint8Array[]) => {
      for (const frame of frames) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    };
    const leave = () => {
      if (player.leaving) return;
      transmit(player.leave(now()));
      forceClose = setTimeout(() => ws.terminate(), 3000);
    };

    ws.on("open", () => {
      ticker = setInterval(() => {
        transmit(player.tick(now()));
        if (player.finished || now() > deadline) leave();
      }, tickMs);
    });
    ws.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : toBytes(data);
      transmit(player.onFrame(bytes, now()));
      if (player.finished) leave();
    });
    ws.on("error", (error: Error) => socketErrors.push(error.message));
    ws.on("close", (code: number) => {
      clearInterval(ticker);
      clearTimeout(forceClose);
      player.onClose(code, now());
      resolve({ seat, player, closeCode: code, socketErrors });
    });
  });
}
