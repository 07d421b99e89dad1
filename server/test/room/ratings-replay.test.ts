import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { and, eq, sql } from "drizzle-orm";
import type { RaceRoom } from "@arena/client-sdk";
import { playerRatings, ratingChanges } from "../../src/persistence/schema.js";
import { replayStoredMatch } from "../../src/replay/replay-match.js";
import { replayCli } from "../support/replay-cli.js";
import { startRoomServer, type RoomServer } from "./support/room-server.js";

describe("ratings of a played race: stored with the result, reproduced by its replay", () => {
  let server: RoomServer;
  before(async () => {
    server = await startRoomServer({ RACE_COUNTDOWN_MS: "100", RACE_LOBBY_TIMEOUT_MS: "200", SEASON: "replay-s3" });
  });
  after(async () => {
    // draining closes the transport too, so the test process can exit
    await server?.drain();
    await server?.close();
  });

  it("rates the winner up and the loser down in the configured season, and the replay gives the same ratings", async () => {
    const options = { trackLength: 50, maxPlayers: 2, lanes: 2 };
    const fast = (await (await server.player("fast")).join("race", options)) as RaceRoom;
    const slow = (await (await server.player("slow")).join("race", options)) as RaceRoom;
    await fast.waitFor((s) => s.phase === "racing", 30_000);
    const timers = [
      setInterval(() => fast.send("input", { throttle: 1, steer: 0, boost: true }), 50),
      setInterval(() => slow.send("input", { throttle: 0.4, steer: 0, boost: false }), 100),
    ];
    const finished = await fast.next("finished", 60_000);
    timers.forEach(clearInterval);
    await server.results.flush(5000);
    const winner = finished.standings.find((s) => s.place === 1)!.playerId;

    const changes = await server.database.db.select().from(ratingChanges).where(eq(ratingChanges.matchId, finished.matchId));
    assert.equal(changes.length, 2);
    for (const c of changes) {
      assert.equal(c.season, "replay-s3");
      assert.ok(c.playerId === winner ? c.muAfter > c.muBefore : c.muAfter < c.muBefore, `${c.playerId}: ${c.muBefore} -> ${c.muAfter}`);
      const [rating] = await server.database.db
        .select()
        .from(playerRatings)
        .where(and(eq(playerRatings.playerId, c.playerId), eq(playerRatings.mode, "race"), eq(playerRatings.season, "replay-s3")));
      assert.deepEqual([rating!.mu, rating!.sigma, rating!.matches], [c.muAfter, c.sigmaAfter, 1]);
    }

    const report = await replayStoredMatch(server.database.db, finished.matchId);
    assert.equal(report?.verdict, "reproduced", JSON.stringify(report));
    const ratingLines = report.stored.filter((line) => line.startsWith("rating "));
    assert.equal(ratingLines.length, 2, "the ratings are part of what the replay compares");
    assert.deepEqual(report.replayed.filter((line) => line.startsWith("rating ")), ratingLines);
    const cli = replayCli(server.config.databaseUrl!, finished.matchId);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /REPRODUCED/);
    assert.match(cli.stdout, /rating /);

    // a stored rating the rules would not give is found out, by the last bit
    await server.database.db
      .update(ratingChanges)
      .set({ muAfter: sql`${ratingChanges.muAfter} + 1e-9` })
      .where(and(eq(ratingChanges.matchId, finished.matchId), eq(ratingChanges.playerId, winner)));
    assert.equal((await replayStoredMatch(server.database.db, finished.matchId))?.verdict, "differs");
    const tampered = replayCli(server.config.databaseUrl!, finished.matchId);
    assert.equal(tampered.status, 1, tampered.stdout + tampered.stderr);
    assert.match(tampered.stdout, /rating .*differs/);
    await Promise.all([fast.leave(), slow.leave()]);
  });
});
