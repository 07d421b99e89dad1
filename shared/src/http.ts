import { z } from "zod";
import { DisplayName, GameMode } from "./common.js";
import type { RankName } from "./ranks.js";

/** Query of `GET /leaderboards/:mode`. */
export const LeaderboardQuery = z
  .object({
    /** total: sum of scores; best: best single match; wins: first places; rating: reputation. */
    by: z.enum(["total", "best", "wins", "rating"]).default("total"),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();
export type LeaderboardQuery = z.output<typeof LeaderboardQuery>;

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
}

export interface LeaderboardResponse {
  mode: GameMode;
  by: LeaderboardQuery["by"];
  limit: number;
  offset: number;
  entries: LeaderboardEntry[];
}

/** Query of `GET /players/:id/matches`: newest first, `before` pages back by end time. */
export const HistoryQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: z.iso.datetime({ offset: true }).optional(),
    mode: GameMode.optional(),
  })
  .strict();
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
  mode: GameMode;
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
  mode: GameMode;
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
  factionStandings: Array<{ faction: string; placement: number; score: number; details: Record<string, unknown> }>;
}

/** Body of every HTTP error: a stable code and a message, never a stack trace. */
export interface HttpErrorBody {
  code: string;
  message: string;
}

/** Body of `POST /auth/guest`. Send your previous token as `Authorization: Bearer ...` to keep your player id. */
export const GuestAuthRequest = z.object({ name: DisplayName }).strict();
export type GuestAuthRequest = z.infer<typeof GuestAuthRequest>;

export interface GuestAuthResponse {
  token: string;
  playerId: string;
  name: string;
  expiresAt: string;
}
