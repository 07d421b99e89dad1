import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCode } from "@arena/shared";
import type { ProjectionContext } from "@arena/shared/kit/projection";
import { Rng } from "@arena/shared/kit/random";
import { decodeLog, replayMatch, runToEnd, type KitInput, type MatchSetup, type MessageInput, type RulesInput, type StoredInputLog } from "@arena/shared/kit/rules";
import { botPlayerId } from "@arena/shared/modes/war/bots";
import { REPUTATION_RULES } from "@arena/shared/modes/war/scoring";
import { warProjection } from "@arena/shared/modes/war/projection";
import { warRules, type WarMatch, type WarMessages, type WarSettings } from "@arena/shared/modes/war/rules";
import { ArrayInputLog } from "../../src/kit/input-log.js";

const HZ = 20;

function settings(overrides: Partial<WarSettings> = {}): WarSettings {
  return { factions: 2, maxPlayers: 4, scoreLimit: 10_000, timeLimitS: 600, tickRateHz: HZ, ...overrides };
}

const humanId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const seated = (...seats: number[]) => seats.map((seat) => ({ seat, playerId: humanId(seat), name: `human ${seat}` }));
const move = (seat: number, to: number): MessageInput<WarMessages> => ({ type: "move", seat, payload: { to } });
const clock = (s: WarSettings) => warRules.clock(s);

/** A match and the log the room would keep of it: every accepted input at the time it was applied. */
class LoggedWar {
  match: WarMatch;
  readonly log = new ArrayInputLog<WarMessages>(warRules.codec);

  constructor(readonly setup: MatchSetup<WarSettings>) {
    this.match = warRules.create(setup);
  }

  get tick(): number {
    return warRules.now(this.match);
  }

  input(input: RulesInput<WarMessages>) {
    const step = warRules.apply(this.match, input, this.tick);
    if (!step.refused && step.logged !== false) this.log.push(this.tick, input);
    return step;
  }

  advance(ticks = 1): void {
    this.match = warRules.advance(this.match, this.tick + ticks).state;
  }
}

/**
 * Plays a war the way the room does: two humans at the start, random moves for human seats (some
 * refused), a human joining into a bot's seat, a connection that drops, one human leaving; every
 * accepted input logged.
 */
function playLogged(seed: number, s: WarSettings, stopAtTick?: number): LoggedWar {
  const rng = new Rng(seed ^ 0x5eed);
  const war = new LoggedWar({ seed, settings: s, players: seated(0, 1) });
  while (!warRules.isOver(war.match) && (stopAtTick === undefined || war.tick < stopAtTick)) {
    if (war.tick === 100) war.input({ type: "join", seat: 3, playerId: humanId(3), name: "late" });
    if (war.tick === 150) war.input({ type: "presence", seat: 0, connected: false });
    if (war.tick === 400) war.input({ type: "leave", seat: 1 });
    const { sim } = war.match;
    for (const seat of sim.seats) {
      if (sim.participants[seat.occupant]!.isBot || rng.float() > 0.05) continue;
      // walking units and made-up zones are refused and left out of the log
      const here = seat.zone === -1 ? seat.to : seat.zone;
      war.input(move(seat.index, rng.float() < 0.2 ? 200 : rng.pick(sim.map.zones[here]!.neighbours)));
    }
    war.advance();
  }
  if (stopAtTick !== undefined) war.input({ type: "stop", reason: "shutdown" });
  return war;
}

/** What the database holds is JSON: the setup and log after a round trip. */
function fromDatabase(war: LoggedWar): { setup: MatchSetup<WarSettings>; log: StoredInputLog } {
  return JSON.parse(JSON.stringify({ setup: war.setup, log: war.log.entries() }));
}

describe("war rules: determinism and replay", () => {
  it("give the identical war for the same seed and inputs, and another war for another seed", () => {
    const s = settings({ maxPlayers: 6, timeLimitS: 60 });
    const a = playLogged(9, s);
    const b = playLogged(9, s);
    assert.deepEqual(a.match, b.match);
    assert.deepEqual(a.log.entries(), b.log.entries());
    assert.ok(a.log.length > 20);
    const other = playLogged(10, s);
    assert.notDeepEqual(other.match.sim.map, a.match.sim.map);
    assert.notDeepEqual(warRules.outcome(other.match), warRules.outcome(a.match));
  });

  it("replay a logged war to exactly the outcome it ended with: standings, reputation and faction rows", () => {
    for (const [seed, s] of [
      [31, settings({ maxPlayers: 6, timeLimitS: 60, scoreLimit: 120 })],
      [32, settings({ factions: 3, maxPlayers: 6, timeLimitS: 45 })],
    ] as const) {
      const war = playLogged(seed, s);
      const outcome = warRules.outcome(war.match);
      assert.equal(outcome.status, "completed");
      const { setup, log } = fromDatabase(war);
      assert.deepEqual(warRules.outcome(replayMatch(warRules, setup, decodeLog(warRules, log))), outcome);
      assert.ok(outcome.standings.some((p) => p.leftEarly) && outcome.standings.some((p) => p.isBot));
      assert.equal(outcome.rows?.faction_standings?.length, s.factions);
      assert.ok(log.some(([, entry]) => Array.isArray(entry) && entry[1] === "join"), "the late join is in the log");
    }
  });

  it("replay a war stopped from outside (server shutdown) at the tick it stopped, as aborted", () => {
    const war = playLogged(33, settings({ maxPlayers: 4, timeLimitS: 60 }), 500);
    const outcome = warRules.outcome(war.match);
    assert.deepEqual([outcome.status, outcome.reason, outcome.summary.ticks], ["aborted", "shutdown", 500]);
    const { setup, log } = fromDatabase(war);
    assert.deepEqual(log.at(-1), [500, ["stop"]]);
    assert.deepEqual(warRules.outcome(replayMatch(warRules, setup, decodeLog(warRules, log))), outcome);
  });

  it("store each input compactly and read it back as it was", () => {
    const inputs: Array<RulesInput<WarMessages>> = [
      move(2, 7),
      { type: "join", seat: 1, playerId: humanId(1), name: "late" },
      { type: "leave", seat: 1 },
      { type: "stop", reason: "shutdown" },
    ];
    const log = new ArrayInputLog<WarMessages>(warRules.codec);
    inputs.forEach((input, tick) => log.push(tick, input));
    assert.deepEqual(log.entries(), [
      [0, [2, "move", 7]],
      [1, [1, "join", humanId(1), "late"]],
      [2, [1, "leave"]],
      [3, ["stop"]],
    ]);
    assert.deepEqual(decodeLog(warRules, log.entries()), inputs.map((input, tick) => [tick, input]));
  });
});

describe("war rules: moves", () => {
  it("queue a move when it arrives and walk at the next tick", () => {
    const war = new LoggedWar({ seed: 5, settings: settings(), players: seated(0, 1, 2, 3) });
    war.advance(3);
    const home = war.match.sim.seats[0]!.zone;
    const to = war.match.sim.map.zones[home]!.neighbours[0]!;
    assert.equal(war.input(move(0, to)).refused, undefined);
    assert.equal(war.match.sim.seats[0]!.zone, home, "nothing moves before the tick");
    war.advance();
    const unit = war.match.sim.seats[0]!;
    assert.deepEqual([unit.zone, unit.from, unit.to], [-1, home, to]);
    assert.deepEqual(war.log.entries(), [[3, [0, "move", to]]]);
  });

  it("refuse bad moves and seat changes with a typed error, and change nothing", () => {
    const war = new LoggedWar({ seed: 13, settings: settings(), players: seated(0, 2) });
    war.advance(2);
    const { sim } = war.match;
    const home = sim.seats[0]!.zone;
    const neighbour = sim.map.zones[home]!.neighbours[0]!;
    const far = sim.map.zones.find((z) => z.id !== home && !sim.map.zones[home]!.neighbours.includes(z.id))!.id;
    const refusals: Array<[RulesInput<WarMessages>, string, RegExp]> = [
      [move(0, far), ErrorCode.InvalidMove, /not adjacent/],
      [move(0, home), ErrorCode.InvalidMove, /already in zone/],
      [move(0, 200), ErrorCode.InvalidMove, /no zone 200/],
      [move(1, neighbour), ErrorCode.NotParticipant, /no human/],
      [move(42, 0), ErrorCode.NotParticipant, /no human/],
      [{ type: "join", seat: 2, playerId: humanId(7), name: "x" }, ErrorCode.NotParticipant, /held by a human/],
      [{ type: "join", seat: 1, playerId: humanId(0), name: "x" }, ErrorCode.NotParticipant, /already holds seat 0/],
      [{ type: "leave", seat: 1 }, ErrorCode.NotParticipant, /already played by its bot/],
    ];
    const check = (list: typeof refusals) => {
      for (const [input, code, message] of list) {
        const before = structuredClone(war.match);
        const step = war.input(input);
        assert.ok(step.refused, `${JSON.stringify(input)} is refused`);
        assert.equal(step.code, code);
        assert.match(step.message, message);
        assert.deepEqual(war.match, before, `${JSON.stringify(input)} changed nothing`);
      }
    };
    check(refusals);

    assert.equal(war.input(move(0, neighbour)).refused, undefined);
    check([[move(0, neighbour), ErrorCode.InvalidMove, /already queued/]]);
    war.advance();
    check([[move(0, home), ErrorCode.InvalidMove, /already moving/]]);
    assert.equal(war.log.length, 1, "only the accepted move is logged");

    war.input({ type: "stop", reason: "shutdown" });
    check([[move(2, neighbour), ErrorCode.WrongPhase, /over/]]);
    const over = structuredClone(war.match);
    war.advance(100);
    assert.deepEqual(war.match, over, "a finished war does not change");
  });

  it("take a dropped connection as no input: not logged, nothing changes", () => {
    const war = new LoggedWar({ seed: 3, settings: settings(), players: seated(0) });
    const before = structuredClone(war.match);
    const step = war.input({ type: "presence", seat: 0, connected: false } satisfies KitInput);
    assert.equal(!step.refused && step.logged, false);
    assert.deepEqual(war.match, before);
    assert.equal(war.log.length, 0);
  });
});

describe("war rules: seats", () => {
  it("hand a bot's seat to a joining human at once, and back to its bot when the human leaves", () => {
    const war = new LoggedWar({ seed: 8, settings: settings(), players: seated(0) });
    war.advance(2 * HZ);
    const step = war.input({ type: "join", seat: 1, playerId: humanId(1), name: "late" });
    assert.ok(!step.refused);
    assert.deepEqual(step.events, [{ type: "seat-taken", seat: 1, playerId: humanId(1), isBot: false }]);
    const seat = () => war.match.sim.seats[1]!;
    const occupant = () => war.match.sim.participants[seat().occupant]!;
    assert.deepEqual([occupant().playerId, occupant().name, occupant().isBot], [humanId(1), "late", false]);

    // a move the human queued goes with the human
    while (seat().zone === -1) war.advance();
    assert.ok(!war.input(move(1, war.match.sim.map.zones[seat().zone]!.neighbours[0]!)).refused);
    assert.equal(war.match.queued.length, 1);
    const left = war.input({ type: "leave", seat: 1 });
    assert.ok(!left.refused);
    assert.deepEqual(left.events, [{ type: "seat-taken", seat: 1, playerId: botPlayerId(1), isBot: true }]);
    assert.deepEqual(war.match.queued, []);
    assert.deepEqual([occupant().playerId, occupant().isBot], [botPlayerId(1), true]);
    assert.equal(war.match.sim.participants.find((p) => p.playerId === humanId(1))!.active, false);
  });

  it("end a war whose only human leaves at once by itself, as abandoned; the leaver loses reputation", () => {
    const s = settings({ timeLimitS: 30 });
    const war = new LoggedWar({ seed: 4, settings: s, players: seated(2) });
    war.input({ type: "leave", seat: 2 });
    const end = runToEnd(warRules, clock(s), war.match);
    assert.ok(warRules.isOver(end));
    const outcome = warRules.outcome(end);
    assert.deepEqual([outcome.status, outcome.reason], ["aborted", "abandoned"]);
    const leaver = outcome.standings.find((p) => p.playerId === humanId(2))!;
    assert.deepEqual([leaver.leftEarly, leaver.reputationDelta], [true, REPUTATION_RULES.leftEarly]);
    assert.ok(outcome.standings.filter((p) => p.isBot).every((p) => p.reputationDelta === 0));
  });

  it("play a war of bots alone to its time limit", () => {
    const s = settings({ maxPlayers: 6, timeLimitS: 20 });
    const end = runToEnd(warRules, clock(s), warRules.create({ seed: 6, settings: s, players: [] }));
    const outcome = warRules.outcome(end);
    assert.deepEqual([outcome.status, outcome.reason, outcome.summary.ticks], ["completed", "time-limit", 20 * HZ]);
    assert.equal(outcome.standings.length, 6);
    assert.ok(outcome.standings.every((p) => p.isBot));
  });
});

describe("war projection", () => {
  it("shows humans under their key and bots under bot-<seat>, and the result once the war is over", () => {
    const s = settings({ timeLimitS: 5 });
    const state = warProjection.create(7, s, "match-7");
    warProjection.lobby(state, { phase: "starting", startsInMs: 100, seats: [{ seat: 0, key: "session-a", name: "ada", connected: true }] });
    assert.deepEqual([...state.players.keys()], ["session-a"]);
    assert.equal(state.players.get("session-a")!.zone, state.factions[0]!.home);
    assert.equal(state.factions[0]!.humans, 1);

    const context: ProjectionContext = { keyOf: (playerId, seat) => (playerId === humanId(0) ? "session-a" : `bot-${seat}`), connected: () => true, now: 0 };
    const match = warRules.create({ seed: 7, settings: s, players: [{ seat: 0, playerId: humanId(0), name: "ada" }] });
    warProjection.project(state, match, context);
    assert.deepEqual([...state.players.keys()].sort(), ["bot-1", "bot-2", "bot-3", "session-a"]);
    assert.deepEqual([state.phase, state.players.get("bot-1")!.isBot, state.players.get("session-a")!.isBot], ["playing", true, false]);

    const end = runToEnd(warRules, clock(s), match);
    warProjection.project(state, end, context);
    assert.deepEqual([state.phase, state.endReason, state.elapsedS], ["finished", "time-limit", 5]);
    assert.equal(state.winner, warRules.outcome(end).summary.winner ?? "");
  });
});
