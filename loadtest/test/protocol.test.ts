// The load client's protocol modules against a real server process: the same code k6 runs, moved
// by Node's fetch and `ws` instead of k6/http and k6/websockets. Each mode plays a whole match of
// two load-client players: tokens, matchmaking, the handshake, inputs / answers / moves from the
// behaviours, patches and the mode's schema-free messages, PING round trips, and a clean leave.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createQuizPlayer, createRacePlayer, createWarPlayer } from "../protocol/index.js";
import { createDicePlayer } from "../protocol/modes/dice.js";
import type { Mode, MsgInput, MsgValue, Player, PlayerEvent, PlayerOptions } from "../protocol/types.js";
import { startServer, type ServerProcess } from "../../server/test/support/server-process.js";
import { guestToken, playSeat, reserveSeat, type SessionResult } from "./support/node-session.js";

type Fields = { [key: string]: MsgValue };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fields(value: MsgValue | undefined, what: string): Fields {
  assert.ok(value !== null && typeof value === "object" && !Array.isArray(value), `${what} is a map`);
  return value;
}

function list(value: MsgValue | undefined, what: string): MsgValue[] {
  assert.ok(Array.isArray(value), `${what} is an array`);
  return value;
}

/** A player and the events it reported. */
interface Seat {
  player: Player;
  events: PlayerEvent[];
}

function seatFor(create: (options: PlayerOptions) => Player, seed: number): Seat {
  const events: PlayerEvent[] = [];
  return { player: create({ seed, pingIntervalMs: 200, onEvent: (event) => events.push(event) }), events };
}

function payloadsOf(seat: Seat, type: string): Array<MsgValue | undefined> {
  return seat.events.flatMap((event) => (event.kind === "message" && event.type === type ? [event.payload] : []));
}

/** What every healthy session shows, whatever the mode. */
function assertHealthy(result: SessionResult, mode: Mode): void {
  const { player } = result;
  const stats = player.stats;
  const who = `${mode} ${result.seat.sessionId}`;
  assert.equal(player.mode, mode);
  assert.ok(player.joined, `${who} completed the join handshake`);
  assert.equal(stats.fullStates, 1, `${who} got the full state once, after its JOIN_ROOM answer`);
  assert.ok(stats.patches > 0 && stats.patchBytes > 0, `${who} received patches`);
  assert.ok(stats.bytesReceived > stats.patchBytes);
  assert.ok(stats.rttMs.length >= 2, `${who} measured round trips (${stats.rttMs.length})`);
  assert.ok(stats.rttMs.every((ms) => ms >= 0 && ms < 1000), `${who} round trips are sane: ${stats.rttMs.join(", ")}`);
  assert.equal(stats.pingsSent - stats.rttMs.length <= 1, true, "every PING but the last in flight was answered");
  assert.deepEqual(stats.serverErrors, [], `${who} got no protocol ERROR frame`);
  assert.equal(stats.decodeErrors, 0, `${who} decoded every frame`);
  assert.deepEqual(stats.unexpectedErrors, {}, `${who} met no unexpected game error`);
  assert.ok(player.finished && stats.messagesByType.finished === 1, `${who} saw the match finish`);
  assert.ok(player.leaving, `${who} left`);
  assert.equal(result.closeCode, 4000, `${who} was closed as a consented leave`);
  assert.equal(stats.cleanClose, true);
  assert.deepEqual(result.socketErrors, []);
}

/** One line per player for the test report: what it sent, received and measured. */
function report(results: SessionResult[]): string {
  return results
    .map(({ player: { stats } }) => {
      const rtt = [...stats.rttMs].sort((a, b) => a - b);
      return [
        `sent ${JSON.stringify(stats.sentByType)}`,
        `received ${JSON.stringify(stats.messagesByType)}`,
        `${stats.patches} patches`,
        `${stats.bytesReceived} B`,
        `errors ${JSON.stringify(stats.gameErrors)}`,
        `rtt median ${rtt[Math.floor(rtt.length / 2)]?.toFixed(1)} ms of ${rtt.length}`,
      ].join(", ");
    })
    .join("\n");
}

describe("load-client protocol against a real server", { concurrency: true }, () => {
  let server: ServerProcess;

  before(async () => {
    server = await startServer({
      env: {
        QUIZ_JOIN_WINDOW_MS: "300",
        QUIZ_ANSWER_WINDOW_MS: "3000",
        QUIZ_REVEAL_MS: "200",
        // long enough that both players are in before bots are seated (a full war starts at once):
        // on a busy machine a late second join took over a walking bot and spent its moves finding its unit
        WAR_LOBBY_TIMEOUT_MS: "5000",
        DICE_REVEAL_MS: "200",
      },
    });
  });
  after(async () => {
    await server.stop();
  });

  /**
   * Two players of one mode: tokens, seats in one room (reserved one after the other), then play.
   * The second connects `staggerMs` later, so the first meets the lobby (WRONG_PHASE) first.
   */
  async function playMatch(
    mode: Mode,
    joinOptions: { readonly [key: string]: MsgInput },
    seats: Seat[],
    staggerMs = 0,
  ): Promise<SessionResult[]> {
    const tokens = await Promise.all(seats.map((_, i) => guestToken(server.url, `load-${mode}-${i}`)));
    const reservations = [];
    for (const token of tokens) reservations.push(await reserveSeat(server.url, mode, joinOptions, token));
    assert.equal(new Set(reservations.map((r) => r.roomId)).size, 1, "matchmaking put both players in one room");
    return Promise.all(
      reservations.map(async (seat, i) => {
        await sleep(i * staggerMs);
        return playSeat({ baseUrl: server.url, seat, token: tokens[i]!, player: seats[i]!.player, maxPlayMs: 25_000 });
      }),
    );
  }

  it("race: racers stream inputs, both finish, and leave", async (t) => {
    const seats = [seatFor(createRacePlayer, 1), seatFor(createRacePlayer, 2)];
    const results = await playMatch("race", { trackLength: 50, maxPlayers: 2 }, seats, 800);
    t.diagnostic(report(results));
    for (const result of results) {
      assertHealthy(result, "race");
      assert.ok((result.player.stats.sentByType.input ?? 0) >= 10, "a stream of inputs");
    }
    const finished = fields(payloadsOf(seats[0]!, "finished")[0], "finished");
    const standings = list(finished.standings, "standings").map((row) => fields(row, "standing"));
    assert.deepEqual(new Set(standings.map((row) => row.sessionId)), new Set(results.map((r) => r.seat.sessionId)));
    // a racer whose inputs were ignored would stand still and be DNF
    for (const row of standings) assert.equal(row.dnf, false, `racer ${String(row.sessionId)} finished`);
  });

  it("quiz: players answer every question in time, and every answer counts", async (t) => {
    const think = { minThinkMs: 100, maxThinkMs: 400 };
    const seats = [seatFor((o) => createQuizPlayer({ ...o, ...think }), 3), seatFor((o) => createQuizPlayer({ ...o, ...think }), 4)];
    const rounds = 3;
    const results = await playMatch("quiz", { rounds, minPlayers: 2, maxPlayers: 2 }, seats);
    t.diagnostic(report(results));
    for (const [i, result] of results.entries()) {
      assertHealthy(result, "quiz");
      const stats = result.player.stats;
      assert.equal(stats.messagesByType.question, rounds);
      assert.equal(stats.messagesByType.round_result, rounds);
      assert.equal(stats.sentByType.answer, rounds, "one answer per question");
      assert.deepEqual(stats.gameErrors, {}, "no answer was refused");
      for (const resultPayload of payloadsOf(seats[i]!, "round_result")) {
        const answers = list(fields(resultPayload, "round_result").answers, "answers").map((a) => fields(a, "answer"));
        assert.ok(
          answers.some((a) => a.sessionId === result.seat.sessionId),
          "the round's result lists this player's answer",
        );
      }
    }
    const finished = fields(payloadsOf(seats[0]!, "finished")[0], "finished");
    assert.equal(finished.status, "completed");
    assert.equal(finished.roundsPlayed, rounds);
  });

  it("war: players walk the map from the map message until the time limit", async (t) => {
    const walk = { arrivalMarginMs: 150, maxDwellMs: 300, retryMs: 300 };
    const seats = [seatFor((o) => createWarPlayer({ ...o, ...walk }), 5), seatFor((o) => createWarPlayer({ ...o, ...walk }), 6)];
    const results = await playMatch("war", { maxPlayers: 2, factions: 2, timeLimit: 5 }, seats, 800);
    t.diagnostic(report(results));
    for (const result of results) {
      assertHealthy(result, "war");
      const stats = result.player.stats;
      assert.equal(stats.messagesByType.map, 1, "the map came when the seat was taken");
      const moves = stats.sentByType.move ?? 0;
      const refused = Object.values(stats.gameErrors).reduce((sum, n) => sum + n, 0);
      assert.ok(moves - refused >= 2, `moves were accepted (${moves} sent, ${refused} refused)`);
    }
    assert.ok((results[0]!.player.stats.gameErrors.WRONG_PHASE ?? 0) >= 1, "the first player's moves met the lobby");
    const finished = fields(payloadsOf(seats[0]!, "finished")[0], "finished");
    assert.equal(finished.reason, "time-limit");
    const players = list(finished.players, "players").map((p) => fields(p, "player"));
    for (const result of results) assert.ok(players.some((p) => p.sessionId === result.seat.sessionId && p.isBot === false));
  });

  it("dice: players bid and call liar from the roll and turn messages to the last die", async (t) => {
    const think = { minThinkMs: 50, maxThinkMs: 200 };
    const seats = [seatFor((o) => createDicePlayer({ ...o, ...think }), 7), seatFor((o) => createDicePlayer({ ...o, ...think }), 8)];
    const results = await playMatch("dice", { maxPlayers: 2, dice: 2 }, seats);
    t.diagnostic(report(results));
    const finished = fields(payloadsOf(seats[0]!, "finished")[0], "finished");
    assert.equal(finished.status, "completed");
    const rounds = Number(finished.rounds);
    assert.ok(rounds >= 2, `a round per die lost (${rounds})`);
    for (const result of results) {
      assertHealthy(result, "dice");
      const stats = result.player.stats;
      assert.equal(stats.messagesByType.roll, rounds, "its dice at every round");
      assert.equal(stats.messagesByType.reveal, rounds, "every round ended in a challenge");
      assert.ok((stats.sentByType.bid ?? 0) + (stats.sentByType.liar ?? 0) >= rounds, "it played its turns");
    }
    const standings = list(finished.standings, "standings").map((row) => fields(row, "standing"));
    assert.deepEqual(standings.map((row) => row.placement), [1, 2]);
    assert.deepEqual(new Set(standings.map((row) => row.sessionId)), new Set(results.map((r) => r.seat.sessionId)));
  });
});
