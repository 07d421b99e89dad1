// One VU iteration = one player session: guest token (once per VU), matchmaking over HTTP, the
// WebSocket and its join handshake, play until the match finishes or PLAY_S is over, leave.
// The protocol and the player's behaviour live in ../../protocol; this file only moves bytes and
// turns what the player reports into k6 metrics and checks.
/** @import { MsgInput, Mode, Player, PlayerEvent, PlayerOptions } from "../../protocol/types.js" */
/** @import { Response } from "k6/http" */
import { check, sleep } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import {
  guestAuthRequest,
  matchmakeRequest,
  mixSeed,
  parseGuestAuth,
  parseReservation,
  toArrayBuffer,
  webSocketUrl,
} from "../../protocol/index.js";
import { settings } from "./config.js";
import * as metrics from "./metrics.js";
import { WebSocket, clearInterval, clearTimeout, setInterval, setTimeout } from "./runtime.js";

/** WebSocket.readyState of an open socket (older k6 has no WebSocket.OPEN constant). */
const OPEN = 1;

/** This VU's player token, reused by its sessions (k6 runs each VU in its own JS runtime). */
/** @type {string | null} */
let token = null;

/**
 * @param {Response} response
 */
function responseOf(response) {
  return { status: response.status, body: typeof response.body === "string" ? response.body : null, error: response.error };
}

/**
 * @param {Mode} mode
 * @param {{ [name: string]: string }} tags
 */
function ensureToken(mode, tags) {
  if (token) return token;
  const request = guestAuthRequest(settings.baseUrl, `k6-${mode}-${exec.vu.idInTest}`);
  const result = parseGuestAuth(responseOf(http.post(request.url, request.body, { headers: request.headers, tags: { ...tags, name: "auth" } })));
  check(result, { "auth: token issued": (r) => r.ok }, tags);
  metrics.errors.add(!result.ok, { ...tags, stage: "auth" });
  if (!result.ok) {
    console.warn(`auth failed: ${result.status} ${result.code} ${result.message}`);
    return null;
  }
  token = result.value.token;
  return token;
}

/**
 * @typedef {object} SessionPlan
 * @property {Mode} mode
 * @property {{ readonly [key: string]: MsgInput }} joinOptions
 * @property {(options: PlayerOptions) => Player} createPlayer
 */

/**
 * Plays one session. Returns at once after opening the socket: k6 ends the iteration when the
 * socket is closed and no timer is left.
 * @param {SessionPlan} plan
 */
export function playSession(plan) {
  const { mode } = plan;
  const tags = { mode };
  const playerToken = ensureToken(mode, tags);
  if (!playerToken) return pauseAfterFailure();

  const started = Date.now();
  const request = matchmakeRequest(settings.baseUrl, mode, plan.joinOptions, playerToken);
  const seat = parseReservation(
    responseOf(http.post(request.url, request.body, { headers: request.headers, tags: { ...tags, name: `matchmake ${mode}` } })),
  );
  check(seat, { "matchmake: seat reserved": (s) => s.ok }, tags);
  metrics.errors.add(!seat.ok, { ...tags, stage: "matchmake" });
  if (!seat.ok) {
    if (seat.code === "UNAUTHORIZED") token = null; // expired or from another secret: get a new one next time
    console.warn(`matchmake ${mode} failed: ${seat.status} ${seat.code} ${seat.message}`);
    return pauseAfterFailure();
  }
  metrics.matchmakeMs.add(Date.now() - started, tags);

  const player = plan.createPlayer({
    seed: mixSeed(settings.seed, exec.vu.idInTest, exec.vu.iterationInScenario),
    pingIntervalMs: settings.pingIntervalMs,
    onEvent: (event) => record(event, tags),
  });
  const ws = new WebSocket(webSocketUrl(settings.baseUrl, seat.value, playerToken), null, { tags: { ...tags, name: `ws ${mode}` } });
  try {
    ws.binaryType = "arraybuffer";
  } catch {
    // older k6 refuses the assignment and delivers ArrayBuffers anyway
  }

  /** @type {ReturnType<typeof setInterval> | null} */
  let ticker = null;
  /** @type {ReturnType<typeof setTimeout>[]} */
  const timers = [];
  let playUntil = Number.POSITIVE_INFINITY;
  const counted = { patches: 0, bytes: 0 };

  /** @param {Uint8Array[]} frames */
  const send = (frames) => {
    for (const frame of frames) {
      if (ws.readyState !== OPEN) return; // sending on a closing socket throws in k6
      ws.send(toArrayBuffer(frame));
    }
  };

  // counters go to k6 in batches, not per frame: a patch per tick per VU is a lot of samples
  const flushCounters = () => {
    const { patches, bytesReceived } = player.stats;
    if (patches > counted.patches) metrics.patches.add(patches - counted.patches, tags);
    if (bytesReceived > counted.bytes) metrics.bytesReceived.add(bytesReceived - counted.bytes, tags);
    counted.patches = patches;
    counted.bytes = bytesReceived;
  };

  const leave = () => {
    if (player.leaving) return;
    send(player.leave(Date.now()));
    timers.push(setTimeout(() => ws.close(), settings.leaveTimeoutMs));
  };

  /** A bug in this client must not look like a server failure: count it apart and end the session. */
  /** @param {unknown} error */
  const clientFailure = (error) => {
    metrics.errors.add(true, { ...tags, stage: "client" });
    console.error(`load client error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    send(player.leave(Date.now())); // our decision, so the close that follows is not counted again
    ws.close();
  };

  /** @param {Uint8Array} bytes */
  const onBytes = (bytes) => {
    try {
      const now = Date.now();
      const wasJoined = player.joined;
      send(player.onFrame(bytes, now));
      if (!wasJoined && player.joined) {
        metrics.joinMs.add(now - started, tags);
        metrics.errors.add(false, { ...tags, stage: "join" });
        check(player, { "join: handshake done": (p) => p.joined }, tags);
        playUntil = now + settings.playMs;
      }
      if (player.finished) leave();
    } catch (error) {
      clientFailure(error);
    }
  };

  ws.addEventListener("open", () => {
    timers.push(
      setTimeout(() => {
        if (!player.joined) ws.close(); // counted as a failed join on close
      }, settings.joinTimeoutMs),
    );
    ticker = setInterval(() => {
      try {
        send(player.tick(Date.now()));
        flushCounters();
        if (player.joined && Date.now() >= playUntil) leave();
      } catch (error) {
        clientFailure(error);
      }
    }, settings.tickMs);
  });

  ws.addEventListener("message", (event) => {
    if (!("data" in event)) return;
    const data = event.data;
    if (typeof data === "string") return; // Colyseus sends binary frames only
    if (data instanceof ArrayBuffer) onBytes(new Uint8Array(data));
    else data.arrayBuffer().then((buffer) => onBytes(new Uint8Array(buffer)), clientFailure); // a Blob: k6 kept its default binaryType
  });

  /** @type {string | null} */
  let lastError = null;
  ws.addEventListener("error", (event) => {
    if ("error" in event) lastError = event.error;
  });

  ws.addEventListener("close", (event) => {
    if (ticker !== null) clearInterval(ticker);
    for (const timer of timers) clearTimeout(timer);
    flushCounters();
    const code = closeCode(event);
    const verdict = player.onClose(code, Date.now());
    if (!player.joined) {
      check(player, { "join: handshake done": (p) => p.joined }, tags);
      metrics.errors.add(true, { ...tags, stage: "join" });
      console.warn(`join ${mode} failed: close ${code ?? "?"} ${lastError ?? ""} ${JSON.stringify(player.stats.serverErrors)}`);
      return;
    }
    check(verdict, { "close: after leaving or finishing": (v) => v.clean }, tags);
    metrics.errors.add(!verdict.clean, { ...tags, stage: "close" });
    if (!verdict.clean) console.warn(`${mode} socket closed unexpectedly: ${code ?? "?"} ${lastError ?? ""}`);
    if (player.finished) metrics.matchesFinished.add(1, tags);
  });
}

/**
 * A failed step ends the iteration at once and the VU starts the next one: pause first, so a
 * refusing server (rate limit, drain) is not hammered. Outside any WebSocket callback, so sleep is fine.
 */
function pauseAfterFailure() {
  sleep(settings.failurePauseS);
}

/**
 * The close code, when this k6 reports one (older k6 gives the close event no code).
 * @param {object} event
 * @returns {number | undefined}
 */
function closeCode(event) {
  const code = "code" in event ? event.code : undefined;
  return typeof code === "number" ? code : undefined;
}

/**
 * @param {PlayerEvent} event
 * @param {{ mode: string }} tags
 */
function record(event, tags) {
  if (event.kind === "rtt") {
    metrics.rttMs.add(event.ms, tags);
  } else if (event.kind === "game-error") {
    metrics.gameErrors.add(1, { ...tags, code: event.code, expected: String(event.expected) });
  } else if (event.kind === "server-error" || event.kind === "decode-error") {
    console.warn(`${tags.mode}: ${event.kind} ${"code" in event ? event.code : ""} ${event.message}`);
  }
}
