// Custom metrics of the arena load scripts (created here, in k6's init context).
import { Counter, Rate, Trend } from "k6/metrics";

/** Matchmaking request sent → JOIN_ROOM received: what a player waits before the room answers. */
export const joinMs = new Trend("arena_join_ms", true);
/** The matchmaking HTTP request alone (seat reservation). */
export const matchmakeMs = new Trend("arena_matchmake_ms", true);
/** PING frame → PING answer, through the room's message handling. */
export const rttMs = new Trend("arena_rtt_ms", true);
/** State patches received (ROOM_STATE_PATCH frames). */
export const patches = new Counter("arena_patches");
/** Bytes of every binary frame received. */
export const bytesReceived = new Counter("arena_bytes_received");
/** The game's typed `error` messages, tagged `code` and `expected` (met in normal play, e.g. WRONG_PHASE in a lobby). */
export const gameErrors = new Counter("arena_game_errors");
/** Share of failed steps, tagged `stage`: auth, matchmake, join, close (unexpected close), client (a bug here). */
export const errors = new Rate("arena_errors");
/** Sessions that saw their match's `finished` message. */
export const matchesFinished = new Counter("arena_matches_finished");
