/**
 * `GET /matches/:id/replay` on a real server: matches played to their end give what re-runs them
 * through the pure rules to the stored standings (a tick mode and an event mode); unknown and
 * malformed ids and matches whose rules the server no longer has get typed errors.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "drizzle-orm";
import { ErrorCode, type HttpErrorBody, type MatchReplayResponse, type MatchResponse } from "@arena/shared";
import { decodeLog, replayMatch } from "@arena/shared/kit/rules";
import { serverMode } from "../../src/modes/index.js";
import type { Database } from "../../src/persistence/database.js";
import { writeMatchResult } from "../../src/persistence/results-store.js";
import { eventually } from "../support/browser.js";
import { raceResult } from "../support/fixtures.js";
import { player } from "../support/players.js";
import { startScratchServer } from "../support/scratch-server.js";
import { walkAbout } from "../support/war-play.js";
import type { ServerProcess } from "../support/server-process.js";

describe("GET /matches/:id/replay (real server, real PostgreSQL)", () => {
  let running: Awaited<ReturnType<typeof startScratchServer>> | undefined;
  let server: ServerProcess;
  let database: Database;

  before(async () => {
    running = await startScratchServer({ WAR_LOBBY_TIMEOUT_MS: "200", DICE_LOBBY_TIMEOUT_MS: "200", DICE_TURN_MS: "300", DICE_REVEAL_MS: "100", DICE_BOT_THINK_MS: "50" });
    ({ server, database } = running);
  });
  after(async () => {
    await running?.stop();
  });
  const get = <T>(path: string) => server.get<T>(path);

  /** The stored match, once the results writer has written it. */
  const stored = (matchId: string) =>
    eventually(`match ${matchId} stored`, async () => {
      const { status, body } = await get<MatchResponse>(`/matches/${matchId}`);
      return status === 200 ? body : undefined;
    });

  /** A war whose human walks to a neighbouring zone twice a second, so its log holds moves. */
  async function war() {
    const room = await (await player(server.url, "general")).joinWar({ maxPlayers: 2, timeLimit: 5 });
    const stop = walkAbout(room, 500);
    try {
      return await room.next("finished", 30_000);
    } finally {
      stop();
    }
  }

  for (const [mode, play, inputs] of [
    ["war", war, true],
    ["dice", async () => (await (await player(server.url, "gambler")).join("dice", { maxPlayers: 3, dice: 2 })).next("finished", 60_000), false],
  ] as const) {
    it(`serves a stored ${mode} match that re-runs to its stored standings`, async () => {
      const { matchId } = await play();
      const match = await stored(matchId);
      const { status, body } = await get<MatchReplayResponse>(`/matches/${matchId}/replay`);
      assert.equal(status, 200);
      const { rules } = serverMode(mode)!;
      assert.deepEqual(
        { matchId: body.matchId, mode: body.mode, status: body.status, rulesVersion: body.rulesVersion, seed: body.seed, startedAt: body.startedAt, endedAt: body.endedAt },
        { matchId, mode, status: match.status, rulesVersion: rules.version, seed: match.seed, startedAt: match.startedAt, endedAt: match.endedAt },
      );
      assert.deepEqual(body.settings, match.settings);
      assert.equal(body.replay.players.length, 1, "one human seated at the start");
      assert.ok(Array.isArray(body.replay.inputs));
      if (inputs) assert.ok(body.replay.inputs.length > 0, "the log holds the human's inputs");
      const final = replayMatch(rules, { seed: body.seed, settings: body.settings, players: body.replay.players }, decodeLog(rules, body.replay.inputs));
      const standings = (rows: ReadonlyArray<{ playerId: string; placement: number; score: number }>) =>
        rows.map(({ playerId, placement, score }) => ({ playerId, placement, score })).sort((a, b) => a.placement - b.placement || a.playerId.localeCompare(b.playerId));
      assert.deepEqual(standings(rules.outcome(final).standings), standings(match.participants));
    });
  }

  it("answers 404 NOT_FOUND for an unknown match and 400 INVALID_QUERY for a malformed id", async () => {
    const unknown = await get<HttpErrorBody>("/matches/00000000-0000-4000-8000-000000000000/replay");
    assert.deepEqual([unknown.status, unknown.body.code], [404, ErrorCode.NotFound]);
    const malformed = await get<HttpErrorBody>("/matches/latest/replay");
    assert.deepEqual([malformed.status, malformed.body.code], [400, ErrorCode.InvalidQuery]);
  });

  it("answers 410 RULES_CHANGED for a match played with rules the server no longer has", async () => {
    const current = serverMode("race")!.rules.version;
    const old = raceResult(2, { rulesVersion: current - 1 });
    assert.equal(await writeMatchResult(database.db, old), "written");
    const { status, body } = await get<HttpErrorBody>(`/matches/${old.matchId}/replay`);
    assert.deepEqual([status, body.code], [410, ErrorCode.RulesChanged]);
    assert.match(body.message, new RegExp(`race rules v${current - 1}; this server has v${current}`));
    assert.equal((await get<MatchResponse>(`/matches/${old.matchId}`)).status, 200, "the match itself is still served");

    // a mode the server does not run any more
    const gone = raceResult(2, { rulesVersion: current });
    await writeMatchResult(database.db, gone);
    await database.db.execute(sql`update matches set mode = 'chess' where id = ${gone.matchId}`);
    const orphan = await get<HttpErrorBody>(`/matches/${gone.matchId}/replay`);
    assert.deepEqual([orphan.status, orphan.body.code], [410, ErrorCode.RulesChanged]);
    assert.match(orphan.body.message, /no chess mode/);
  });
});
