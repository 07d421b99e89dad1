import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import type { RaceRoom } from "@arena/client-sdk";
import type { RaceFinishedPayload } from "@arena/shared/modes/race/contract";
import { player } from "../support/players.js";
import { openDatabase } from "../../src/persistence/database.js";
import { matchParticipants, matches } from "../../src/persistence/schema.js";
import { silentLogger } from "../support/fixtures.js";
import { TEST_DATABASE_URL, startServer, tempDir, type ServerProcess } from "../support/server-process.js";

/** Plays one two-player race: one client gets its token and seat over plain HTTP, the other uses the SDK. */
async function playRace(server: ServerProcess): Promise<RaceFinishedPayload> {
  const options = { trackLength: 50, maxPlayers: 2 };
  const auth = await fetch(`${server.url}/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "http-player" }),
  });
  assert.equal(auth.status, 200);
  const { token } = (await auth.json()) as { token: string };
  const response = await fetch(`${server.url}/matchmake/joinOrCreate/race`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(options),
  });
  assert.equal(response.status, 200);
  const reservation = (await response.json()) as { roomId: string; sessionId: string; name: string; processId: string };
  assert.equal(reservation.name, "race");

  const sdkClient = await player(server.url, "http-player");
  const httpPlayer = (await sdkClient.takeSeat(reservation)) as RaceRoom;
  const sdkPlayer = await (await player(server.url, "sdk-player")).joinRace(options);
  assert.equal(sdkPlayer.roomId, reservation.roomId);

  await sdkPlayer.waitFor((s) => s.phase === "racing");
  const timers = [httpPlayer, sdkPlayer].map((room) =>
    setInterval(() => room.send("input", { throttle: 1, steer: 0, boost: true }), 50),
  );
  const finished = await sdkPlayer.next("finished", 30_000);
  timers.forEach(clearInterval);
  await Promise.all([httpPlayer.leave(), sdkPlayer.leave()]);
  return finished;
}

describe("quick start, end to end", () => {
  const servers: ServerProcess[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("`npm start` with DATABASE_URL: a race played from the SDK ends up in PostgreSQL", async () => {
    const server = await startServer({ command: ["npm", "start"], env: { DATABASE_URL: TEST_DATABASE_URL } });
    servers.push(server);
    const finished = await playRace(server);

    const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "", logger: silentLogger });
    try {
      // the writer stores the result right after the race; allow it a moment
      let rows: Array<typeof matches.$inferSelect> = [];
      for (let i = 0; i < 50 && rows.length === 0; i++) {
        rows = await database.db.select().from(matches).where(eq(matches.id, finished.matchId));
        if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.mode, "race");
      assert.equal(rows[0]!.status, "completed");
      const participants = await database.db
        .select()
        .from(matchParticipants)
        .where(eq(matchParticipants.matchId, finished.matchId));
      assert.deepEqual(
        participants.map((p) => [p.displayName, p.placement]).sort((a, b) => Number(a[1]) - Number(b[1])),
        finished.standings.map((s) => [s.name, s.place]),
      );
    } finally {
      await database.close();
    }
  });

  it("`npm start` on embedded defaults: the result lands in the PGlite data folder", async () => {
    const dataDir = await tempDir();
    const server = await startServer({ command: ["npm", "start"], env: { DATA_DIR: dataDir, DATABASE_URL: "" } });
    servers.push(server);
    const finished = await playRace(server);
    await server.waitForLog((line) => line.msg === "match result stored" && line.matchId === finished.matchId);
    // npm itself dies of the signal; the server under it must have shut down cleanly
    await server.stop("SIGTERM");
    assert.ok(server.logs.some((line) => line.msg === "stopped"), "server logged a clean stop");

    const database = await openDatabase({ databaseUrl: undefined, dataDir, logger: silentLogger });
    try {
      const rows = await database.db.select().from(matchParticipants).where(eq(matchParticipants.matchId, finished.matchId));
      assert.equal(rows.length, 2);
    } finally {
      await database.close();
    }
  });
});
