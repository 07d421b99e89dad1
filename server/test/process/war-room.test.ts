import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq, inArray } from "drizzle-orm";
import { ErrorCode, type WarRoom } from "@arena/client-sdk";
import { NO_ZONE, type WarJoinOptionsInput } from "@arena/shared/modes/war/contract";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { factionStandings } from "../../src/modes/war/tables.js";
import { matchParticipants, matches, players } from "../../src/persistence/schema.js";
import { replayOutcome } from "../../src/replay/replay-match.js";
import { silentLogger } from "../support/fixtures.js";
import { player } from "../support/players.js";
import { TEST_DATABASE_URL, startServer, type ServerProcess } from "../support/server-process.js";

const RECONNECT_WINDOW_S = 1;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plays like a simple human: whenever standing still, walks toward a zone its faction does not own. */
function play(war: WarRoom): () => void {
  const timer = setInterval(() => {
    const me = war.me;
    const state = war.state;
    if (!me || state.phase !== "playing" || me.zone === NO_ZONE) return;
    const here = state.zones[me.zone]!;
    const neighbours = [...here.neighbours];
    const target = neighbours.find((id) => state.zones[id]!.owner !== me.faction) ?? neighbours[state.elapsedS % neighbours.length]!;
    // stay while the zone is being taken; move on once it is ours
    if (here.owner === me.faction) war.send("move", { to: target });
  }, 150);
  return () => clearInterval(timer);
}

/** What the stored seed, settings and input log replay to, through the war's rules. */
function replayedOutcome(match: { seed: number; settings: unknown; replay: unknown; rulesVersion: number }) {
  const replayed = replayOutcome("war", match);
  assert.ok("outcome" in replayed, "recorded with the current rules");
  return { ...replayed.outcome, rows: replayed.outcome.rows ?? {} };
}

/** Waits for a database row set to appear (the results writer stores right after the match). */
async function eventually<T>(query: () => Promise<T[]>, timeoutMs = 10_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await query();
    if (rows.length > 0 || Date.now() > deadline) return rows;
    await wait(100);
  }
}

describe("war room over real WebSockets, with PostgreSQL", () => {
  let server: ServerProcess;
  let database: Database;

  before(async () => {
    server = await startServer({
      env: {
        DATABASE_URL: TEST_DATABASE_URL,
        WAR_LOBBY_TIMEOUT_MS: "300",
        RECONNECT_WINDOW_S: String(RECONNECT_WINDOW_S),
      },
    });
    database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "", logger: silentLogger });
  });
  after(async () => {
    await database?.close();
    await server?.stop();
  });

  it("two humans and two bots play a war to the end; the result, bots flagged and reputation applied, is in PostgreSQL", async () => {
    const options: WarJoinOptionsInput = { maxPlayers: 4, timeLimit: 6, scoreLimit: 400 };
    const red = await (await player(server.url, "ada")).joinWar({ ...options, faction: "red" });
    const blue = await (await player(server.url, "bob")).joinWar({ ...options, faction: "blue" });
    assert.equal(red.roomId, blue.roomId);

    // the lobby times out with two humans in four seats: bots take the other two
    const started = await red.waitFor((s) => s.phase === "playing" && s.players.size === 4, 5_000);
    const everyone = [...started.players.values()];
    assert.deepEqual(everyone.map((p) => p.isBot).sort(), [false, false, true, true]);
    assert.deepEqual(started.factions.map((f) => [f.id, f.humans, f.bots]), [["red", 1, 1], ["blue", 1, 1]]);
    assert.equal(red.me!.faction, "red");
    assert.equal(blue.me!.faction, "blue");
    assert.equal(red.me!.zone, started.factions[0]!.home, "players start on their faction's home zone");
    assert.ok(started.zones.length >= 5 && started.zones.length <= 9);
    assert.equal(started.missions.length, 6);
    const matchId = started.matchId;

    const stops = [play(red), play(blue)];
    const [finished, seenByBlue] = await Promise.all([red.next("finished", 20_000), blue.next("finished", 20_000)]);
    stops.forEach((stop) => stop());
    assert.deepEqual(finished, seenByBlue);
    assert.equal(finished.matchId, matchId);
    assert.equal(finished.status, "completed");
    assert.ok(finished.reason === "time-limit" || finished.reason === "score-limit");
    assert.equal(finished.factions.length, 2);
    assert.equal(finished.players.length, 4);
    for (const player of finished.players) {
      const faction = finished.factions.find((f) => f.faction === player.faction)!;
      assert.equal(player.placement, faction.placement, "players are placed with their faction");
      if (player.isBot) assert.deepEqual([player.sessionId, player.reputationDelta], [null, 0]);
    }
    const ada = finished.players.find((p) => p.sessionId === red.sessionId)!;
    assert.deepEqual([ada.name, ada.isBot, ada.faction], ["ada", false, "red"]);
    await red.waitFor((s) => s.phase === "finished");
    assert.equal(red.state.endReason, finished.reason);
    assert.equal(red.state.winner, finished.winner ?? "");

    const [match] = await eventually(() => database.db.select().from(matches).where(eq(matches.id, matchId)));
    assert.ok(match, "one matches row");
    assert.deepEqual([match.mode, match.status], ["war", "completed"]);

    const participants = await database.db.select().from(matchParticipants).where(eq(matchParticipants.matchId, matchId));
    assert.equal(participants.length, 4);
    assert.equal(participants.filter((p) => p.isBot).length, 2, "bots are flagged");
    for (const row of participants) {
      const player = finished.players.find((p) => p.playerId === row.playerId)!;
      assert.deepEqual([row.displayName, row.isBot, row.placement, row.score], [player.name, player.isBot, player.placement, player.score]);
      assert.equal((row.details as { faction: string }).faction, player.faction);
    }

    const standings = await database.db.select().from(factionStandings).where(eq(factionStandings.matchId, matchId));
    assert.deepEqual(
      standings.map((s) => [s.faction, s.placement, s.score]).sort(),
      finished.factions.map((f) => [f.faction, f.placement, f.score]).sort(),
    );

    const humans = finished.players.filter((p) => !p.isBot);
    const rows = await database.db.select().from(players).where(inArray(players.id, finished.players.map((p) => p.playerId)));
    for (const human of humans) {
      const row = rows.find((r) => r.id === human.playerId)!;
      assert.equal(row.reputation, Math.max(0, human.reputationDelta), `${human.name}: a new player's reputation is their delta (never below 0)`);
    }
    assert.ok(rows.filter((r) => r.isBot).length === 2);

    // the stored seed, settings and replay recompute exactly the stored standings
    const replayed = replayedOutcome(match);
    assert.deepEqual(
      replayed.rows.faction_standings!.map((f) => [f.faction, f.placement, f.score]).sort(),
      standings.map((s) => [s.faction, s.placement, s.score]).sort(),
    );
    assert.deepEqual(
      replayed.standings.map((p) => [p.playerId, p.placement, p.score, p.reputationDelta]).sort(),
      finished.players.map((p) => [p.playerId, p.placement, p.score, p.reputationDelta]).sort(),
    );
    await Promise.all([red.leave(), blue.leave()]);
  });

  it("answers bad moves with INVALID_MOVE and bad payloads with INVALID_MESSAGE; the client stays and nothing changes", async () => {
    const war = await (await player(server.url, "careful")).joinWar({ maxPlayers: 2, timeLimit: 30, scoreLimit: 401 });
    const early = war.next("error");
    war.send("move", { to: 0 });
    assert.equal((await early).code, ErrorCode.WrongPhase, "moves wait for the lobby to end");

    await war.waitFor((s) => s.phase === "playing" && war.me !== undefined, 5_000);
    const state = war.state;
    const home = war.me!.zone;
    const neighbours = [...state.zones[home]!.neighbours];
    const notAdjacent = state.zones.find((z) => z.id !== home && !neighbours.includes(z.id))!.id;

    const errors: Array<{ code: string; message: string }> = [];
    war.onError((e) => errors.push(e));
    war.send("move", { to: notAdjacent });
    war.send("move", { to: home });
    war.send("move", { to: 200 });
    const invalid: unknown[] = [{ to: "1" }, { to: -1 }, { to: 1.5 }, { to: 256 }, {}, { to: 1, teleport: true }, null, "go", [1]];
    for (const payload of invalid) war.room.send("move", payload);
    war.room.send("teleport", { to: notAdjacent });
    await wait(400);

    assert.deepEqual(errors.slice(0, 3).map((e) => e.code), [ErrorCode.InvalidMove, ErrorCode.InvalidMove, ErrorCode.InvalidMove]);
    assert.match(errors[0]!.message, /not adjacent/);
    assert.match(errors[2]!.message, /no zone 200/);
    assert.deepEqual(errors.slice(3, 3 + invalid.length).map((e) => e.code), invalid.map(() => ErrorCode.InvalidMessage));
    assert.equal(errors.at(-1)!.code, ErrorCode.UnknownMessage);
    const me = war.me!;
    assert.deepEqual([me.zone, me.from, me.to], [home, NO_ZONE, NO_ZONE], "no bad input moved the player");

    // still connected and playing: a valid move starts a walk, and a second one during it is refused
    war.send("move", { to: neighbours[0]! });
    await war.waitFor(() => war.me!.zone === NO_ZONE, 2_000);
    assert.deepEqual([war.me!.from, war.me!.to], [home, neighbours[0]]);
    assert.ok(war.me!.travelMs >= 1000);
    const refused = war.next("error");
    war.send("move", { to: home });
    const error = await refused;
    assert.deepEqual([error.code, error.cause], [ErrorCode.InvalidMove, "move"]);
    assert.match(error.message, /already moving/);
    await war.leave();
  });

  it("a human joining a running war takes a bot's seat; a full faction places the player in another one", async () => {
    const options: WarJoinOptionsInput = { maxPlayers: 4, timeLimit: 60, scoreLimit: 402 };
    const first = await (await player(server.url, "first")).joinWar({ ...options, faction: "red" });
    await first.waitFor((s) => s.phase === "playing" && s.players.size === 4, 5_000);
    const botsBefore = [...first.state.players.entries()].filter(([, p]) => p.isBot).map(([key]) => key);
    assert.equal(botsBefore.length, 3);

    const second = await (await player(server.url, "second")).joinWar({ ...options, faction: "blue" });
    assert.equal(second.roomId, first.roomId, "a running war with bots has free seats");
    await first.waitFor((s) => s.players.get(second.sessionId) !== undefined, 3_000);
    const state = first.state;
    assert.equal(state.players.size, 4, "the human replaced a bot: still four players");
    const joined = state.players.get(second.sessionId)!;
    assert.deepEqual([joined.name, joined.faction, joined.isBot], ["second", "blue", false]);
    const blue = state.factions.find((f) => f.id === "blue")!;
    assert.deepEqual([blue.humans, blue.bots], [1, 1]);
    assert.equal([...state.players.values()].filter((p) => p.isBot).length, 2);

    // blue has one bot seat left: the third player gets it; the fourth asks for blue and lands in red
    const third = await (await player(server.url, "third")).joinWar({ ...options, faction: "blue" });
    await third.waitFor(() => third.me !== undefined, 3_000);
    assert.equal(third.me!.faction, "blue");
    const fourth = await (await player(server.url, "fourth")).joinWar({ ...options, faction: "blue" });
    await fourth.waitFor(() => fourth.me !== undefined, 3_000);
    assert.equal(fourth.me!.faction, "red", "blue is full of humans: the player joins the faction with a free seat");
    await first.waitFor((s) => [...s.players.values()].every((p) => !p.isBot), 3_000);

    // every seat is held by a human now: the next player gets another war
    const fifth = await (await player(server.url, "fifth")).joinWar(options);
    assert.notEqual(fifth.roomId, first.roomId);
    await Promise.all([first, second, third, fourth, fifth].map((war) => war.leave()));
  });

  it("keeps a dropped player's seat within the reconnection window, then hands it to a bot; a war all humans left is recorded as aborted", async () => {
    const options: WarJoinOptionsInput = { maxPlayers: 2, timeLimit: 60, scoreLimit: 403 };
    const steady = await (await player(server.url, "steady")).joinWar(options);
    const flaky = await (await player(server.url, "flaky")).joinWar(options);
    await steady.waitFor((s) => s.phase === "playing", 3_000);
    const sessionId = flaky.sessionId;
    const matchId = steady.state.matchId;

    await flaky.leave(false); // connection lost, not a consented leave
    await steady.waitFor((s) => s.players.get(sessionId)?.connected === false, 3_000);
    const back = await (await player(server.url, "flaky-again")).reconnect("war", flaky.reconnectionToken);
    assert.equal(back.sessionId, sessionId);
    await steady.waitFor((s) => s.players.get(sessionId)?.connected === true, 3_000);

    await back.leave(false);
    const handedOver = await steady.waitFor(
      (s) => s.players.get(sessionId) === undefined && [...s.players.values()].some((p) => p.isBot),
      (RECONNECT_WINDOW_S + 3) * 1000,
    );
    assert.equal(handedOver.factions.reduce((bots, f) => bots + f.bots, 0), 1, "a bot plays the seat");
    assert.equal(handedOver.phase, "playing", "the war goes on");

    await steady.leave();
    await server.waitForLog((line) => line.msg === "match finished" && line.matchId === matchId && line.reason === "abandoned");
    const [match] = await eventually(() => database.db.select().from(matches).where(eq(matches.id, matchId)));
    assert.equal(match?.status, "aborted");
    const rows = await database.db.select().from(matchParticipants).where(eq(matchParticipants.matchId, matchId));
    assert.deepEqual(rows.map((r) => [r.isBot, (r.details as { leftEarly: boolean }).leftEarly]).sort(), [[false, true], [false, true], [true, false], [true, false]]);
  });

  it("records a running war as aborted when its server shuts down, replayable to the stored standings", async () => {
    // no drain grace: the running war is ended at once
    const own = await startServer({ env: { DATABASE_URL: TEST_DATABASE_URL, WAR_LOBBY_TIMEOUT_MS: "0", DRAIN_GRACE_S: "0" } });
    try {
      const war = await (await player(own.url, "last-one")).joinWar({ maxPlayers: 2, timeLimit: 60, scoreLimit: 404 });
      await war.waitFor((s) => s.phase === "playing" && s.elapsedS >= 1, 5_000);
      const matchId = war.state.matchId;
      assert.equal(await own.stop("SIGTERM"), 0);

      const [match] = await eventually(() => database.db.select().from(matches).where(eq(matches.id, matchId)));
      assert.deepEqual([match?.status, (match?.summary as { reason: string }).reason], ["aborted", "shutdown"]);
      const stored = await database.db.select().from(factionStandings).where(eq(factionStandings.matchId, matchId));
      const replayed = replayedOutcome(match!);
      assert.deepEqual(
        replayed.rows.faction_standings!.map((f) => [f.faction, f.placement, f.score]).sort(),
        stored.map((s) => [s.faction, s.placement, s.score]).sort(),
      );
    } finally {
      await own.stop();
    }
  });

  it("refuses invalid join options during matchmaking with a typed error", async () => {
    const client = await player(server.url, "picky");
    await assert.rejects(client.joinWar({ maxPlayers: 5 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.InvalidOptions);
      assert.match(error.message, /multiple of factions/);
      return true;
    });
    await assert.rejects(client.joinWar({ faction: "green" }), { code: ErrorCode.InvalidOptions });
    await assert.rejects(client.joinWar({ timeLimit: 2 }), { code: ErrorCode.InvalidOptions });
    await assert.rejects(client.joinWar({ factions: 4 }), { code: ErrorCode.InvalidOptions });
  });
});
