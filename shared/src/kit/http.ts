import * as z from "zod/mini";
import "./zod-locale.js";
import { DisplayName } from "./common.js";
import type { RankName } from "./ranks.js";
import type { SeatedPlayer, StoredInputLog } from "./rules.js";

/** A mode name in a query or path (checked against the registry by the server). */
export const ModeNameParam = z.string().check(z.regex(/^[a-z][a-z0-9_-]{0,31}$/, "must be a mode name such as race"));

/** A season id such as `s1` or `2027-spring` (SEASON in the server's config). */
export const SEASON_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const SeasonParam = z.string().check(z.regex(SEASON_ID_PATTERN, "must be a season id such as s1"));

/** An integer query parameter (query strings are text). */
function queryInt(min: number, max: number) {
  return z.pipe(z.coerce.number(), z.int().check(z.minimum(min), z.maximum(max)));
}

/** A page of a list: at most 100 entries, from `offset`. */
const PAGE = {
  limit: z._default(queryInt(1, 100), 20),
  offset: z._default(queryInt(0, 10_000), 0),
};

/** Query of `GET /leaderboards/:mode`: one season's board (the current one when left out). */
export const LeaderboardQuery = z.strictObject({
  /** total: sum of scores; best: best single match; wins: first places; rating: skill rating (ordinal); reputation: reputation (kept across seasons). */
  by: z._default(z.enum(["total", "best", "wins", "rating", "reputation"]), "total"),
  season: z.optional(SeasonParam),
  ...PAGE,
});
export type LeaderboardQuery = z.output<typeof LeaderboardQuery>;

/** A player's skill rating in one mode and season: mean, uncertainty and the ordinal shown (mu − 3 sigma). */
export interface RatingSummary {
  mu: number;
  sigma: number;
  ordinal: number;
  /** Rated matches this season. */
  matches: number;
}

export interface LeaderboardEntry {
  position: number;
  playerId: string;
  displayName: string;
  matches: number;
  wins: number;
  totalScore: number;
  bestScore: number;
  reputation: number;
  rank: RankName;
  /** Null for a player without a rated match this season (e.g. only matches against bots). */
  rating: RatingSummary | null;
}

export interface LeaderboardResponse {
  mode: string;
  by: LeaderboardQuery["by"];
  season: string;
  limit: number;
  offset: number;
  entries: LeaderboardEntry[];
}

/** Query of `GET /players/:id/matches`: newest first, `before` pages back by end time. */
export const HistoryQuery = z.strictObject({
  limit: z._default(queryInt(1, 100), 20),
  before: z.optional(z.iso.datetime({ offset: true })),
  mode: z.optional(ModeNameParam),
});
export type HistoryQuery = z.output<typeof HistoryQuery>;

export interface PlayerSummary {
  id: string;
  displayName: string;
  isBot: boolean;
  reputation: number;
  rank: RankName;
}

export interface HistoryEntry {
  matchId: string;
  mode: string;
  status: string;
  endedAt: string;
  placement: number;
  score: number;
  finishTimeMs: number | null;
  details: Record<string, unknown>;
}

export interface HistoryResponse {
  player: PlayerSummary;
  matches: HistoryEntry[];
  /** Pass as `before` for the next page; null on the last page. */
  nextBefore: string | null;
}

export interface MatchResponse {
  matchId: string;
  mode: string;
  status: string;
  seed: number;
  node: string;
  startedAt: string;
  endedAt: string;
  settings: Record<string, unknown>;
  summary: Record<string, unknown>;
  participants: Array<{
    playerId: string;
    displayName: string;
    isBot: boolean;
    placement: number;
    score: number;
    finishTimeMs: number | null;
    details: Record<string, unknown>;
  }>;
  /** Version of the mode's rules the match was played with. */
  rulesVersion: number;
  /** Rows of the mode's own tables, by table name (e.g. a war's `faction_standings`). */
  rows: Record<string, Array<Record<string, unknown>>>;
}

/**
 * `GET /matches/:id/replay`: what a client needs to re-run a stored match through the mode's pure
 * rules (`replayMatch(rules, { seed, settings, players }, decodeLog(rules, inputs))`). Only served
 * while the server has the rules it was played with (`410 RULES_CHANGED` otherwise).
 */
export interface MatchReplayResponse {
  matchId: string;
  mode: string;
  status: string;
  /** Always the server's current `rules.version` of the mode. */
  rulesVersion: number;
  seed: number;
  settings: Record<string, unknown>;
  startedAt: string;
  endedAt: string;
  replay: {
    /** The humans seated when the match started. */
    players: SeatedPlayer[];
    /** Every accepted input with its time, in the stored form of the mode's codec. */
    inputs: StoredInputLog;
  };
}

/** Body of every HTTP error: a stable code and a message, never a stack trace. */
export interface HttpErrorBody {
  code: string;
  message: string;
}

/** Body of `POST /auth/guest`. Send your previous token as `Authorization: Bearer ...` to keep your player id. */
export const GuestAuthRequest = z.strictObject({ name: DisplayName });
export type GuestAuthRequest = z.output<typeof GuestAuthRequest>;

export interface GuestAuthResponse {
  token: string;
  playerId: string;
  name: string;
  expiresAt: string;
}

/** Query of `GET /rooms`: live rooms, matches under way first (the longest running first), then lobbies. */
export const RoomsQuery = z.strictObject({
  mode: z.optional(ModeNameParam),
  phase: z.optional(z.enum(["lobby", "running", "ended"])),
  ...PAGE,
});
export type RoomsQuery = z.output<typeof RoomsQuery>;

/** A live room as `GET /rooms` lists it, from the room listings of every node. */
export interface RoomSummary {
  roomId: string;
  mode: string;
  /** lobby: waiting for players; running: the match is on (spectate it); ended: showing the result. */
  phase: "lobby" | "running" | "ended";
  /** Humans in the room (seats reserved included) and seats in the match. */
  players: number;
  seats: number;
  spectators: number;
  /** When the match left its lobby; null before. */
  startedAt: string | null;
}

export interface RoomsResponse {
  rooms: RoomSummary[];
  total: number;
  limit: number;
  offset: number;
}
