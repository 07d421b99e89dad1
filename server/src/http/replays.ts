/** `GET /matches/:id/replay`: a stored match for a client to re-run with the same pure rules (the browser's replay viewer). */
import type { Router } from "express";
import { ErrorCode } from "@arena/shared";
import type { Db } from "../persistence/database.js";
import { loadReplay } from "../replay/stored-replay.js";
import { HttpError, handle } from "./errors.js";
import { parseId } from "./leaderboards.js";

/** HTTP status of a match whose rules are gone: it exists, and will never be replayable here again. */
const RULES_CHANGED_STATUS = 410;

export function mountReplayRoutes(router: Router, db: Db): void {
  router.get(
    "/matches/:id/replay",
    handle(async (req, res) => {
      const stored = await loadReplay(db, parseId(req.params.id, "match id"));
      if (!stored.found) throw new HttpError(404, ErrorCode.NotFound, "no such match");
      if ("rulesChanged" in stored) {
        const { mode, recorded, current } = stored.rulesChanged;
        const now = current === null ? `this server has no ${mode} mode` : `this server has v${current}`;
        throw new HttpError(RULES_CHANGED_STATUS, ErrorCode.RulesChanged, `the match was played with ${mode} rules v${recorded}; ${now}`);
      }
      res.json(stored.replay);
    }),
  );
}
