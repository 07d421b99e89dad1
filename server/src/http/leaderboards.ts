import type { Router } from "express";
import { z } from "zod";
import {
  ErrorCode,
  HistoryQuery,
  MODE_NAMES,
  isModeName,
  LeaderboardQuery,
  type HistoryResponse,
  type LeaderboardResponse,
} from "@arena/shared";
import type { Db } from "../persistence/database.js";
import { findMatch, findPlayer, leaderboard, playerHistory } from "../persistence/queries.js";
import { HttpError, handle, parseInput } from "./errors.js";

const Uuid = z.uuid();

export function parseId(value: unknown, what: string): string {
  // a malformed id is a bad request (400), not an unknown resource (404)
  const parsed = Uuid.safeParse(value);
  if (!parsed.success) throw new HttpError(400, ErrorCode.InvalidQuery, `${what} must be a UUID`);
  return parsed.data;
}

/** `GET /leaderboards/:mode`, `GET /players/:id/matches`, `GET /matches/:id`. Boards show `season` unless the query names another. */
export function mountLeaderboardRoutes(router: Router, db: Db, options: { season: string }): void {
  router.get(
    "/leaderboards/:mode",
    handle(async (req, res) => {
      const mode = String(req.params.mode);
      if (!isModeName(mode)) throw new HttpError(404, ErrorCode.NotFound, `no such mode "${mode.slice(0, 32)}"; modes: ${MODE_NAMES.join(", ")}`);
      const query = parseInput(LeaderboardQuery, req.query, "query");
      const season = query.season ?? options.season;
      const body: LeaderboardResponse = { mode, ...query, season, entries: await leaderboard(db, mode, season, query) };
      res.json(body);
    }),
  );

  router.get(
    "/players/:id/matches",
    handle(async (req, res) => {
      const playerId = parseId(req.params.id, "player id");
      const query = parseInput(HistoryQuery, req.query, "query");
      if (query.mode !== undefined && !isModeName(query.mode)) throw new HttpError(400, ErrorCode.InvalidQuery, `query: mode: no such mode; modes: ${MODE_NAMES.join(", ")}`);
      const player = await findPlayer(db, playerId);
      if (!player) throw new HttpError(404, ErrorCode.NotFound, "no such player");
      const body: HistoryResponse = { player, ...(await playerHistory(db, playerId, query)) };
      res.json(body);
    }),
  );

  router.get(
    "/matches/:id",
    handle(async (req, res) => {
      const match = await findMatch(db, parseId(req.params.id, "match id"));
      if (!match) throw new HttpError(404, ErrorCode.NotFound, "no such match");
      res.json(match);
    }),
  );
}
