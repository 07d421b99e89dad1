import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import type { QuizRoom, RaceRoom, RoomsResponse, WarRoom } from "@arena/client-sdk";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { matches } from "../../src/persistence/schema.js";
import { eventually } from "../support/browser.js";
import { isolatedRedisUrl, matchmakeCode, reserve, roomOn, startNode, type Node } from "../support/cluster.js";
import { silentLogger } from "../support/fixtures.js";
import { player } from "../support/players.js";
import { replayCli } from "../support/replay-cli.js";
import { TEST_DATABASE_URL, freePort, type ServerProcess } from "../support/server-process.js";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("several nodes on one Redis", () => {
  let redisUrl: string;
  let a: Node;
  let b: Node;
  let database: Database;
  const stored: Array<{ mode: string; matchId: string }> = [];

  before(async () => {
    redisUrl = isolatedRedisUrl(11);
    const env = {
      QUIZ_JOIN_WINDOW_MS: "100",
      QUIZ_ANSWER_WINDOW_MS: "700",
      QUIZ_REVEAL_MS: "100",
      WAR_LOBBY_TIMEOUT_MS: "200",
    };
    a = await startNode(redisUrl, { ...env, PORT: String(await freePort()), NODE_ID: "node-a" });
    b = await startNode(redisUrl, { ...env, PORT: String(await freePort()), NODE_ID: "node-b" });
    database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "", logger: silentLogger });
  });
  after(async () => {
    await database?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("matchmaking only through node A seats players in rooms on node B, for every mode", async () => {
    // race: the first player creates a room on B through A; the second is matched to it through A
    const alice = await player(a.url, "alice");
    const bob = await player(a.url, "bob");
    const raceOptions = { trackLength: 50, maxPlayers: 2 };
    const { room: r1, reservation } = await roomOn(a, b, alice, "race", raceOptions);
    assert.equal(reservation.publicAddress, `127.0.0.1:${b.port}`, "the reservation names B's own address");
    const second = await reserve(a, bob, "joinOrCreate", "race", raceOptions);
    assert.equal(second.body.roomId, reservation.roomId);
    const r2 = await bob.takeSeat(second.body);
    const [race1, race2] = [r1 as RaceRoom, r2 as RaceRoom];
    await race1.waitFor((s) => s.phase === "racing");
    const drive = [race1, race2].map((r) => setInterval(() => r.send("input", { throttle: 1, steer: 0, boost: true }), 50));
    const raceDone = await race1.next("finished", 30_000);
    drive.forEach(clearInterval);
    await Promise.all([race1.leave(), race2.leave()]);
    stored.push({ mode: "race", matchId: raceDone.matchId });

    // the room ran in B's process, not A's
    const created = await b.waitForLog((l) => l.msg === "room created" && l.roomId === reservation.roomId);
    assert.equal(created.pid, b.pid);
    assert.ok(!a.logs.some((l) => l.roomId === reservation.roomId), "node A never hosted it");

    // quiz
    const quizOptions = { rounds: 3, minPlayers: 2, maxPlayers: 2 };
    const { room: q1, reservation: quizSeat } = await roomOn(a, b, alice, "quiz", quizOptions);
    const q2 = await bob.takeSeat((await reserve(a, bob, "joinById", quizSeat.roomId, {})).body);
    const quizzes = [q1 as QuizRoom, q2 as QuizRoom];
    const answering = quizzes.map((q) =>
      setInterval(() => {
        const s = q.state;
        if (s.status === "question" && !s.players.get(q.sessionId)?.answered) q.send("answer", { answer: s.question.kind === "choice" ? 0 : s.question.minValue, round: s.round });
      }, 50),
    );
    const quizDone = await quizzes[0]!.next("finished", 30_000);
    answering.forEach(clearInterval);
    await Promise.all(quizzes.map((q) => q.leave()));
    stored.push({ mode: "quiz", matchId: quizDone.matchId });
    assert.equal((await b.waitForLog((l) => l.roomId === quizSeat.roomId)).pid, b.pid);

    // war: one human, a bot in the other seat
    const { room: w, reservation: warSeat } = await roomOn(a, b, alice, "war", { maxPlayers: 2, timeLimit: 5 });
    const warDone = await (w as WarRoom).next("finished", 30_000);
    await w.leave();
    stored.push({ mode: "war", matchId: warDone.matchId });
    assert.equal((await b.waitForLog((l) => l.roomId === warSeat.roomId)).pid, b.pid);

    for (const { mode, matchId } of stored) {
      await b.waitForLog((l) => l.msg === "match result stored" && l.matchId === matchId);
      const [row] = await database.db.select().from(matches).where(eq(matches.id, matchId));
      assert.equal(row?.node, "node-b", `${mode} result written by node B`);
    }
  });

  it("replay reproduces the stored result of each mode (npm run replay)", () => {
    assert.equal(stored.length, 3);
    for (const { mode, matchId } of stored) {
      const run = replayCli(TEST_DATABASE_URL, matchId);
      assert.equal(run.status, 0, `${mode}: ${run.stdout}${run.stderr}`);
      assert.match(run.stdout, /REPRODUCED/);
    }
  });

  it("GET /rooms on either node lists the rooms of both; a spectator reaches a match on B through A", async () => {
    const gus = await player(a.url, "gus");
    const hal = await player(a.url, "hal");
    const { room: onA } = await roomOn(a, a, gus, "race", { trackLength: 2345, maxPlayers: 4 });
    const { room: onB } = await roomOn(a, b, hal, "war", { maxPlayers: 2, timeLimit: 6 });
    const warOnB = onB as WarRoom;
    await warOnB.waitFor((s) => s.phase === "playing", 10_000);
    const list = async (node: Node) => ((await (await fetch(`${node.url}/rooms?limit=100`)).json()) as RoomsResponse).rooms;
    for (const node of [a, b]) {
      const rooms = await list(node);
      assert.equal(rooms.find((r) => r.roomId === onA.roomId)?.phase, "lobby", `${node.env.NODE_ID} lists A's race lobby`);
      assert.equal(rooms.find((r) => r.roomId === onB.roomId)?.phase, "running", `${node.env.NODE_ID} lists B's war`);
    }

    const watcher = await player(a.url, "watcher");
    const spectator = await watcher.spectate(onB.roomId, "war");
    await spectator.waitFor((s) => s.phase === "playing", 10_000);
    const mirror = await b.waitForLog((l) => l.msg === "spectator mirror created" && l.matchRoomId === onB.roomId);
    assert.equal(mirror.pid, b.pid, "the mirror runs on the match's node");
    assert.ok(!a.logs.some((l) => l.matchRoomId === onB.roomId), "node A hosts no mirror of it");
    await eventually("A to count B's spectator", async () => ((await list(a)).find((r) => r.roomId === onB.roomId)?.spectators === 1 ? true : undefined));

    const [played, watched] = await Promise.all([warOnB.next("finished", 30_000), spectator.next("finished", 30_000)]);
    assert.deepEqual(watched, played, "the spectator on B saw the match end as its player did");
    await Promise.all([onA.leave(), warOnB.leave(), spectator.leave()]);
  });

  it("SIGKILL of node B: A plays on, B's clients are disconnected, and no seat on B is handed out again", async () => {
    // a race running on A and a waiting room on B with a client in it
    const carol = await player(a.url, "carol");
    const dave = await player(a.url, "dave");
    const longRace = { trackLength: 3000, maxPlayers: 2 };
    const { room: onA1 } = await roomOn(a, a, carol, "race", longRace);
    const onA2 = (await dave.takeSeat((await reserve(a, dave, "joinById", onA1.roomId, {})).body)) as RaceRoom;
    const raceA = onA1 as RaceRoom;
    await raceA.waitFor((s) => s.phase === "racing");
    const drive = [raceA, onA2].map((r) => setInterval(() => r.send("input", { throttle: 1, steer: 0, boost: false }), 100));

    const erin = await player(a.url, "erin");
    const lobbyOptions = { trackLength: 4321, maxPlayers: 4 };
    const { room: onB } = await roomOn(a, b, erin, "race", lobbyOptions);
    const dropped = new Promise<number>((resolve) => onB.onLeave(resolve));

    const killedAt = Date.now();
    b.kill("SIGKILL");
    await b.exited;

    // B's client learns at once: the socket closes, no hanging
    const code = await Promise.race([dropped, wait(5_000).then(() => -1)]);
    assert.notEqual(code, -1, "B's client was told within 5 s");

    // A's race goes on
    const before = raceA.state.racers.get(raceA.sessionId)!.position;
    await raceA.waitFor((s) => s.racers.get(raceA.sessionId)!.position > before + 5, 5_000);

    // B's room leaves the listings; until then and after, matchmaking through A only seats on A.
    // Until B counts as gone (its heartbeat lapsed), a request that meets B's room is refused with
    // 503 UNAVAILABLE within a second rather than waiting on Colyseus' 2 s IPC timeout.
    let cleanedAfterMs: number | undefined;
    let refused = 0;
    const frank = await player(a.url, "frank");
    while (Date.now() - killedAt < 12_000) {
      const byId = await reserve(a, frank, "joinById", onB.roomId, {});
      if (byId.status !== 200 && byId.status !== 503 && cleanedAfterMs === undefined) cleanedAfterMs = Date.now() - killedAt;
      assert.notEqual(byId.body.processId, b.processId, "never a seat on the dead node");
      const matched = await reserve(a, frank, "joinOrCreate", "race", lobbyOptions);
      assert.ok(matched.ms < 1_000, `answered in ${Math.round(matched.ms)} ms`);
      if (matched.status === 503) {
        assert.equal(matchmakeCode(matched.body), "UNAVAILABLE");
        refused++;
      } else {
        assert.equal(matched.status, 200, JSON.stringify(matched.body));
        assert.equal(matched.body.processId, a.processId, "new seats are on the living node");
        // give the reservation back, so the next round of the loop matchmakes afresh
        await (await frank.takeSeat(matched.body)).leave();
        if (cleanedAfterMs !== undefined) break;
      }
      await wait(250);
    }
    assert.ok(cleanedAfterMs !== undefined && cleanedAfterMs < 8_000, `stale listing removed after ${cleanedAfterMs} ms`);
    console.log(`# dead node's room listings removed ${cleanedAfterMs} ms after SIGKILL (${refused} requests refused meanwhile)`);
    drive.forEach(clearInterval);
    await Promise.all([raceA.leave(), onA2.leave()]);
    assert.equal(a.child.exitCode, null, "A is still running");
  });
});
