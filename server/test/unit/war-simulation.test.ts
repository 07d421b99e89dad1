import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { botPlayerId, isBotPlayerId } from "@arena/shared/modes/war/bots";
import { CAPTURE_RULES, NEUTRAL, advanceControl, captureGain, controlFull, type ZoneControl } from "@arena/shared/modes/war/capture";
import { generateWarMap, nextHop, travelTicks } from "@arena/shared/modes/war/map";
import { advanceMissions, createMissions, holdSeconds, type MissionSim } from "@arena/shared/modes/war/missions";
import { REPUTATION_RULES, placements, reputationDelta, warStandings } from "@arena/shared/modes/war/scoring";
import { chooseSeat, wishedFaction } from "@arena/shared/modes/war/seats";
import { changeSeat, checkMove, createWar, stepWar, type WarEvent, type WarSettings, type WarSim } from "@arena/shared/modes/war/simulation";
import type { MoveInput } from "@arena/shared/modes/war/state";
import { ParticipantResult } from "../../src/persistence/match-result.js";

const HZ = 20;
const FULL = controlFull(HZ);

function settings(overrides: Partial<WarSettings> = {}): WarSettings {
  return { factions: 2, maxPlayers: 4, scoreLimit: 10_000, timeLimitS: 600, tickRateHz: HZ, ...overrides };
}

const humanId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

const human = (seat: number) => ({ seat, playerId: humanId(seat), name: `human ${seat}` });

/** Humans in every seat: nothing moves unless the test sends a move. */
function quietWar(seed: number, s = settings()): WarSim {
  return createWar(seed, s, Array.from({ length: s.maxPlayers }, (_, seat) => human(seat)));
}

/** Steps `ticks` times without inputs, collecting the events. */
function idle(sim: WarSim, ticks: number, events: WarEvent[] = []): WarSim {
  for (let i = 0; i < ticks && !sim.over; i++) {
    const step = stepWar(sim, []);
    events.push(...step.events);
    sim = step.state;
  }
  return sim;
}

/** Walks a seat's unit along the roads to `target`, a move whenever it stands still. */
function walkTo(sim: WarSim, seat: number, target: number, events: WarEvent[] = []): WarSim {
  for (let guard = 0; sim.seats[seat]!.zone !== target; guard++) {
    assert.ok(guard < 10_000, "walk never arrived");
    const here = sim.seats[seat]!.zone;
    const inputs: MoveInput[] = here === -1 ? [] : [{ seat, to: nextHop(sim.map, here, target) }];
    const step = stepWar(sim, inputs);
    events.push(...step.events);
    sim = step.state;
  }
  return sim;
}

function zoneControl(overrides: Partial<ZoneControl> = {}): ZoneControl {
  return { owner: NEUTRAL, controlFaction: NEUTRAL, control: 0, contested: false, ...overrides };
}

/** Ticks a presence takes to capture a neutral zone for its leader. */
function ticksToCapture(presence: number[]): number {
  let zone = zoneControl();
  for (let tick = 1; tick <= 100_000; tick++) {
    zone = advanceControl(zone, presence, FULL).zone;
    if (zone.owner !== NEUTRAL) return tick;
  }
  return Infinity;
}

describe("war capture", () => {
  it("shifts control toward the majority; a lone player takes a neutral zone in captureSeconds", () => {
    assert.equal(ticksToCapture([1, 0]), CAPTURE_RULES.captureSeconds * HZ);
    const step = advanceControl(zoneControl(), [0, 1], FULL);
    assert.deepEqual(step.zone, { owner: NEUTRAL, controlFaction: 1, control: captureGain(1), contested: false });
    assert.equal(step.advancing, 1);
  });

  it("moves faster for a bigger majority (up to a cap)", () => {
    assert.ok(ticksToCapture([2, 0]) < ticksToCapture([1, 0]));
    assert.ok(ticksToCapture([3, 0]) < ticksToCapture([2, 0]));
    assert.ok(ticksToCapture([3, 1]) < ticksToCapture([2, 1]));
    assert.ok(ticksToCapture([0, 0, 4]) < ticksToCapture([0, 0, 2]));
    assert.equal(ticksToCapture([2, 1]), ticksToCapture([1, 0]), "the margin counts, not the head count");
    assert.equal(ticksToCapture([12, 0]), ticksToCapture([CAPTURE_RULES.maxMargin, 0]), "a blob is capped");
  });

  it("does not move a contested zone (a tie among the top factions) or an empty one", () => {
    const half = zoneControl({ owner: 0, controlFaction: 0, control: FULL / 2 });
    for (const presence of [[1, 1], [3, 3], [2, 2, 1], [0, 2, 2]]) {
      const step = advanceControl(half, presence, FULL);
      assert.deepEqual(step.zone, { ...half, contested: true }, `presence ${presence}`);
      assert.deepEqual(step.changes, []);
    }
    assert.deepEqual(advanceControl(half, [0, 0], FULL).zone, half);
    assert.equal(advanceControl(half, [2, 2, 3], FULL).advancing, 2, "a clear leader among three moves it");
  });

  it("neutralizes an owned zone before capturing it; a returning owner restores control without a capture", () => {
    let zone = zoneControl({ owner: 1, controlFaction: 1, control: FULL });
    const changes = [];
    for (let tick = 0; tick < 10 && zone.owner === 1; tick++) zone = advanceControl(zone, [1, 0], FULL).zone;
    assert.equal(zone.owner, 1, "the owner keeps the zone while control remains");
    assert.ok(zone.control < FULL);
    const restored = advanceControl(zone, [0, 1], FULL);
    assert.equal(restored.zone.control, zone.control + captureGain(1));
    assert.deepEqual(restored.changes, []);

    for (let tick = 0; tick < 10_000 && zone.owner !== 0; tick++) {
      const step = advanceControl(zone, [1, 0], FULL);
      changes.push(...step.changes);
      zone = step.zone;
    }
    assert.deepEqual(changes, [
      { kind: "neutralized", faction: 1, by: 0 },
      { kind: "captured", faction: 0, previousOwner: NEUTRAL },
    ]);
  });

  it("scores points for every zone a faction holds, every second", () => {
    let sim = quietWar(5);
    sim = idle(sim, 10 * HZ);
    assert.deepEqual(sim.factions.map((f) => [f.zonesHeld, f.score]), [[1, 10], [1, 10]]);

    // red takes a neutral zone next to its home: from then on it scores two points a second
    const target = sim.map.zones[sim.map.homes[0]!]!.neighbours[0]!;
    const events: WarEvent[] = [];
    sim = walkTo(sim, 0, target, events);
    while (sim.zones[target]!.owner !== 0) sim = idle(sim, 1, events);
    assert.ok(events.some((e) => e.type === "captured" && e.zone === target && e.faction === 0));
    const before = sim.factions.map((f) => f.holdTicks);
    sim = idle(sim, 5 * HZ);
    assert.deepEqual(
      sim.factions.map((f, i) => (f.holdTicks - before[i]!) / HZ),
      [10, 5],
    );
    const red = sim.participants.find((p) => p.seat === 0)!;
    assert.ok(red.captures === 1 && red.captureTicks > 0 && red.holdTicks > 0, "the capturer gets the credit");
  });
});

describe("war movement", () => {
  it("takes ticks, during which the unit is in no zone", () => {
    let sim = quietWar(11);
    const home = sim.map.homes[0]!;
    const to = sim.map.zones[home]!.neighbours[0]!;
    const ticks = travelTicks(sim.map, home, to, HZ);
    assert.ok(ticks >= HZ, "at least a second");
    assert.equal(checkMove(sim, 0, to), null);

    const step = stepWar(sim, [{ seat: 0, to }]);
    sim = step.state;
    assert.deepEqual(step.events.filter((e) => e.type === "moved"), [{ type: "moved", seat: 0, from: home, to, arrivesAtTick: 1 + ticks }]);
    const unit = sim.seats[0]!;
    assert.deepEqual([unit.zone, unit.from, unit.to], [-1, home, to]);
    assert.equal(sim.zones[home]!.presence[0], 1, "the other red unit is still at home");
    assert.equal(sim.zones[to]!.presence[0], 0, "not there yet");

    sim = idle(sim, ticks - 1);
    assert.equal(sim.tick, ticks);
    assert.equal(sim.seats[0]!.zone, -1, "still walking one tick before arrival");
    assert.match(checkMove(sim, 0, home)!, /already moving/);
    const events: WarEvent[] = [];
    sim = idle(sim, 1, events);
    assert.equal(sim.tick, 1 + ticks);
    assert.equal(sim.seats[0]!.zone, to);
    assert.deepEqual(events.filter((e) => e.type === "arrived"), [{ type: "arrived", seat: 0, zone: to }]);
    assert.equal(sim.zones[to]!.presence[0], 1);
  });

  it("refuses moves to zones that are not adjacent or do not exist, and changes nothing", () => {
    const sim = quietWar(13);
    const home = sim.map.homes[0]!;
    const far = sim.map.homes[1]!;
    assert.match(checkMove(sim, 0, far)!, /not adjacent/);
    assert.match(checkMove(sim, 0, home)!, /already in zone/);
    assert.match(checkMove(sim, 0, 200)!, /no zone 200/);
    assert.match(checkMove(sim, 99, 0)!, /no seat/);

    const seatsBefore = structuredClone(sim.seats);
    const step = stepWar(sim, [
      { seat: 0, to: far },
      { seat: 1, to: 200 },
    ]);
    assert.deepEqual(step.state.seats, seatsBefore, "nobody moved");
    assert.deepEqual(
      step.events.filter((e) => e.type === "input-ignored").map((e) => e.type === "input-ignored" && e.input),
      [
        { seat: 0, to: far },
        { seat: 1, to: 200 },
      ],
    );
  });
});

describe("war missions", () => {
  it("gives every faction a capture, a hold and a dominate mission on neutral zones, from the seed", () => {
    const s = settings({ factions: 3, maxPlayers: 6, scoreLimit: 1000, timeLimitS: 200 });
    const map = generateWarMap(77, 3);
    const missions = createMissions(5, map, s);
    assert.deepEqual(missions, createMissions(5, map, s));
    assert.equal(missions.length, 9);
    for (let faction = 0; faction < 3; faction++) {
      const own = missions.filter((m) => m.faction === faction);
      assert.deepEqual(own.map((m) => m.kind), ["capture", "hold", "dominate"]);
      const [capture, hold] = own as [MissionSim, MissionSim];
      assert.notEqual(capture.zone, hold.zone);
      for (const m of [capture, hold]) assert.ok(!map.homes.includes(m.zone), "targets are zones nobody starts with");
      assert.equal(hold.target, holdSeconds(200) * HZ);
      assert.ok(own.every((m) => m.bonus > 0 && !m.done && m.progress === 0));
    }
  });

  it("advances hold missions only while the zone is owned, and completes each mission once", () => {
    const hold: MissionSim = { id: 0, faction: 1, kind: "hold", zone: 2, target: 3, progress: 0, bonus: 40, done: false, completedTick: null };
    const capture: MissionSim = { ...hold, id: 1, kind: "capture", target: 1 };
    const missions = [hold, capture];
    assert.deepEqual(advanceMissions(missions, { tick: 1, owners: [0, 1, 0], captures: [] }), []);
    assert.equal(hold.progress, 0);
    advanceMissions(missions, { tick: 2, owners: [0, 1, 1], captures: [] });
    advanceMissions(missions, { tick: 3, owners: [0, 1, 1], captures: [{ zone: 2, faction: 0 }] });
    assert.equal(hold.progress, 2);
    assert.equal(capture.done, false, "another faction's capture does not count");
    const done = advanceMissions(missions, { tick: 4, owners: [0, 1, 1], captures: [{ zone: 2, faction: 1 }] });
    assert.deepEqual(done.map((m) => m.id), [0, 1]);
    assert.equal(hold.completedTick, 4);
    assert.deepEqual(advanceMissions(missions, { tick: 5, owners: [1, 1, 1], captures: [{ zone: 2, faction: 1 }] }), []);
  });

  it("pays the bonus to the faction and credits its players when a mission is done", () => {
    let sim = quietWar(21, settings({ scoreLimit: 500, timeLimitS: 20 }));
    const mission = sim.missions.find((m) => m.faction === 0 && m.kind === "hold")!;
    const events: WarEvent[] = [];
    sim = walkTo(sim, 0, mission.zone, events);
    while (!sim.missions[mission.id]!.done) sim = idle(sim, 1, events);

    const done = events.filter((e) => e.type === "mission-done");
    assert.deepEqual(done, [{ type: "mission-done", mission: mission.id, faction: 0, bonus: mission.bonus }]);
    const red = sim.factions[0]!;
    assert.equal(red.bonus, mission.bonus);
    assert.equal(red.score, Math.floor(red.holdTicks / HZ) + mission.bonus);
    assert.equal(red.missionsDone, 1);
    assert.deepEqual(sim.participants.map((p) => p.missions), [1, 0, 1, 0], "every red player in a seat is credited");
  });
});

describe("war bots", () => {
  it("play seeded and deterministically: same seed, same decisions; another seed, others", () => {
    const s = settings({ maxPlayers: 6 });
    const play = (seed: number) => {
      const events: WarEvent[] = [];
      const sim = idle(createWar(seed, s, []), 90 * HZ, events);
      return { sim, events };
    };
    const a = play(3);
    const b = play(3);
    assert.deepEqual(a.sim, b.sim);
    assert.deepEqual(a.events, b.events);
    assert.ok(a.events.filter((e) => e.type === "moved").length > 10, "bots move");
    assert.ok(a.events.some((e) => e.type === "captured"), "bots capture zones");
    assert.ok(a.sim.participants.every((p) => p.isBot && p.strategy !== null));
    assert.notDeepEqual(play(4).events, a.events);
  });

  it("have stable ids from a small pool that the results store accepts", () => {
    const ids = Array.from({ length: 12 }, (_, seat) => botPlayerId(seat));
    assert.equal(new Set(ids).size, 12);
    for (const playerId of ids) {
      assert.ok(isBotPlayerId(playerId));
      ParticipantResult.parse({ playerId, displayName: "bot", isBot: true, placement: 1, score: 0, finishTimeMs: null, details: {} });
    }
    assert.equal(botPlayerId(3), botPlayerId(3));
    assert.ok(!isBotPlayerId(humanId(3)));
  });

  it("leave when a human takes their seat, and come back (as the same participant) when the human leaves", () => {
    const s = settings({ maxPlayers: 4 });
    let sim = createWar(8, s, [human(0)]);
    sim = idle(sim, 3 * HZ);
    const before = { ...sim.seats[1]! };
    const botIndex = before.occupant;

    const joined: WarEvent[] = [];
    assert.equal(changeSeat(sim, { seat: 1, human: { playerId: humanId(1), name: "late" } }, joined), null);
    assert.deepEqual(joined, [{ type: "seat-taken", seat: 1, playerId: humanId(1), isBot: false }]);
    const bot = sim.participants[botIndex]!;
    assert.deepEqual([bot.playerId, bot.active, bot.leftTick], [botPlayerId(1), false, sim.tick]);
    const newcomer = sim.participants[sim.seats[1]!.occupant]!;
    assert.deepEqual([newcomer.playerId, newcomer.name, newcomer.isBot, newcomer.faction, newcomer.joinedTick], [humanId(1), "late", false, 1, sim.tick]);
    if (before.zone !== -1) assert.equal(sim.seats[1]!.zone, before.zone, "the human takes over the unit where it stands");
    else assert.equal(sim.seats[1]!.to, before.to, "…or where it walks");

    // the human's seat does nothing on its own any more
    const events: WarEvent[] = [];
    sim = idle(sim, 20 * HZ, events);
    assert.ok(!events.some((e) => e.type === "moved" && e.seat === 1), "no bot decisions for a human's seat");

    const count = sim.participants.length;
    assert.equal(changeSeat(sim, { seat: 1, human: null }), null);
    assert.equal(sim.participants.length, count, "the seat's bot comes back, no new participant");
    assert.equal(sim.seats[1]!.occupant, botIndex);
    assert.deepEqual([sim.participants[botIndex]!.active, sim.participants[botIndex]!.leftTick], [true, null]);
    const later: WarEvent[] = [];
    idle(sim, 30 * HZ, later);
    assert.ok(later.some((e) => e.type === "moved" && e.seat === 1), "the bot plays the seat again");
  });

  it("ignore seat changes that make no sense", () => {
    const sim = createWar(8, settings(), [human(0)]);
    const before = structuredClone(sim);
    const events: WarEvent[] = [];
    const reasons = [
      { seat: 0, human: { playerId: humanId(5), name: "five" } },
      { seat: 2, human: { playerId: humanId(0), name: "again" } },
      { seat: 1, human: null },
      { seat: 42, human: null },
    ].map((change) => changeSeat(sim, change, events));
    assert.deepEqual(reasons, ["seat 0 is held by a human", `player ${humanId(0)} already holds seat 0`, "seat 1 is already played by its bot", "no seat 42"]);
    assert.deepEqual(events, []);
    assert.deepEqual(sim, before, "nothing changed");
  });
});

describe("war end", () => {
  it("ends at the time limit", () => {
    const sim = idle(quietWar(1, settings({ timeLimitS: 5 })), 100_000);
    assert.equal(sim.over, true);
    assert.equal(sim.tick, 5 * HZ);
    assert.equal(sim.endReason, "time-limit");
  });

  it("ends when a faction reaches the score limit; the first faction there wins", () => {
    // red takes a second zone, so it scores twice as fast as blue
    let sim = quietWar(2, settings({ scoreLimit: 30 }));
    const target = sim.map.zones[sim.map.homes[0]!]!.neighbours[0]!;
    sim = walkTo(sim, 0, target);
    const events: WarEvent[] = [];
    sim = idle(sim, 100_000, events);
    assert.equal(sim.endReason, "score-limit");
    assert.ok(sim.factions[0]!.score >= 30 && sim.factions[1]!.score < 30);
    assert.deepEqual(events.filter((e) => e.type === "war-over"), [{ type: "war-over", reason: "score-limit" }]);
    const standings = warStandings(sim);
    assert.equal(standings.winner, "red");
    assert.deepEqual(standings.factions.map((f) => [f.faction, f.placement]), [["red", 1], ["blue", 2]]);
    for (const p of standings.participants) {
      assert.equal(p.placement, p.faction === "red" ? 1 : 2, "players are placed with their faction");
      assert.ok(p.faction === "red" ? p.reputationDelta >= REPUTATION_RULES.win : p.reputationDelta <= 0);
    }
    const over = structuredClone(sim);
    assert.deepEqual(stepWar(sim, [{ seat: 1, to: 0 }]), { state: over, events: [] }, "a finished war does not change");
  });

  it("is a draw when the factions reach the limit together", () => {
    const sim = idle(quietWar(3, settings({ scoreLimit: 5 })), 100_000);
    assert.equal(sim.endReason, "score-limit");
    assert.equal(sim.tick, 5 * HZ);
    const standings = warStandings(sim);
    assert.equal(standings.winner, null);
    assert.deepEqual(standings.factions.map((f) => f.placement), [1, 1]);
    assert.ok(standings.participants.every((p) => p.reputationDelta === REPUTATION_RULES.draw));
  });

  it("ends as abandoned when every human has left; leavers lose reputation, bots none", () => {
    let sim = createWar(4, settings(), [human(0)]);
    sim = idle(sim, HZ);
    assert.equal(changeSeat(sim, { seat: 0, human: null }), null);
    sim = idle(sim, 1);
    assert.equal(sim.endReason, "abandoned");
    const standings = warStandings(sim);
    const leaver = standings.participants.find((p) => p.playerId === humanId(0))!;
    assert.deepEqual([leaver.leftEarly, leaver.reputationDelta], [true, REPUTATION_RULES.leftEarly]);
    assert.ok(standings.participants.filter((p) => p.isBot).every((p) => p.reputationDelta === 0));
    assert.equal(standings.participants.length, 5, "four seats' bots and the human who left");
  });
});

describe("war scoring and seats", () => {
  it("ranks factions by score with shared placements", () => {
    assert.deepEqual(placements([10, 30, 20]), [3, 1, 2]);
    assert.deepEqual(placements([10, 10, 3]), [1, 1, 3]);
    assert.deepEqual(placements([7, 7]), [1, 1]);
  });

  it("changes reputation by outcome and contribution", () => {
    const human = { isBot: false, leftEarly: false };
    assert.equal(reputationDelta(human, 1, [1, 2], 0), REPUTATION_RULES.win);
    assert.equal(reputationDelta(human, 2, [1, 2], 0), REPUTATION_RULES.loss);
    assert.equal(reputationDelta(human, 2, [1, 2], 100), REPUTATION_RULES.loss + 4, "contribution softens a loss");
    assert.equal(reputationDelta(human, 1, [1, 2], 10_000), REPUTATION_RULES.win + REPUTATION_RULES.maxContributionBonus);
    assert.equal(reputationDelta(human, 1, [1, 1], 0), REPUTATION_RULES.draw);
    assert.equal(reputationDelta(human, 2, [1, 2, 3], 0), 0, "the middle of three");
    assert.equal(reputationDelta({ isBot: false, leftEarly: true }, 1, [1, 2], 500), REPUTATION_RULES.leftEarly);
    assert.equal(reputationDelta({ isBot: true, leftEarly: false }, 1, [1, 2], 500), 0);
  });

  it("seats a joining human in the chosen faction, or the one with the fewest humans", () => {
    /** `holders[s]`: the human in seat s, or null (an empty seat, or a bot's). */
    const pick = (holders: Array<string | null>, factions: number, requested: number | null) => {
      const free = holders.flatMap((holder, seat) => (holder === null ? [seat] : []));
      const taken = holders.flatMap((holder, seat) => (holder === null ? [] : [{ seat }]));
      return chooseSeat(free, taken, factions, requested);
    };
    assert.equal(pick([null, null, null, null], 2, null), 0);
    assert.equal(pick(["a", null, null, null], 2, null), 1);
    assert.equal(pick(["a", null, null, null], 2, 0), 2);
    assert.equal(pick(["a", null, "b", null], 2, 0), 1, "red is full: blue");
    assert.equal(pick(["a", "b", null, null, null, null], 3, null), 2);
    assert.equal(pick(["a", "b"], 2, 1), null);
  });

  it("reads the wished faction from a player's join options", () => {
    assert.equal(wishedFaction({ faction: "blue" }, 2), 1);
    assert.equal(wishedFaction({ faction: "green" }, 3), 2);
    assert.equal(wishedFaction({ faction: "green" }, 2), null, "not a faction of this war");
    assert.equal(wishedFaction({}, 2), null);
    assert.equal(wishedFaction(undefined, 2), null);
    assert.equal(wishedFaction({ faction: 1 }, 2), null);
  });
});
