import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  RACE_RULES,
  createRace,
  mergeControl,
  runRace,
  stepRace,
  type ControlInput,
  type RaceSim,
  type TickInput,
} from "@arena/shared/modes/race/simulation";
import { replayMatch, decodeLog } from "@arena/shared/kit/rules";
import { raceRules, type RaceSettings } from "@arena/shared/modes/race/rules";
import { generateTrack, CLEAR_START_METRES } from "@arena/shared/modes/race/track";
import { RaceInputLog } from "../../src/modes/race/input-log.js";
import { Rng } from "@arena/shared/kit/random";

const HZ = 20;

function control(slot: number, throttle = 1, steer: -1 | 0 | 1 = 0, boost = false): ControlInput {
  return { kind: "control", slot, throttle, steer, boost };
}

/** A seeded pseudo-random input log: every racer sends something most ticks. */
function randomLog(seed: number, slots: number[], ticks: number): Map<number, TickInput[]> {
  const rng = new Rng(seed);
  const log = new Map<number, TickInput[]>();
  for (let tick = 1; tick <= ticks; tick++) {
    const inputs: TickInput[] = [];
    for (const slot of slots) {
      if (rng.float() < 0.7) {
        inputs.push(control(slot, 0.5 + rng.float() / 2, rng.pick([-1, 0, 1] as const), rng.float() < 0.05));
      }
    }
    log.set(tick, inputs);
  }
  return log;
}

describe("race track", () => {
  it("is the same for the same seed and different for another seed", () => {
    assert.deepEqual(generateTrack(42, 1000, 4), generateTrack(42, 1000, 4));
    assert.notDeepEqual(generateTrack(42, 1000, 4), generateTrack(43, 1000, 4));
  });

  it("keeps the start clear and the features inside the track and lanes", () => {
    for (let seed = 1; seed < 50; seed++) {
      const track = generateTrack(seed, 800, 3);
      for (const f of [...track.obstacles, ...track.boostPads]) {
        assert.ok(f.position >= CLEAR_START_METRES && f.position < 800, `feature at ${f.position}`);
        assert.ok(f.lane >= 0 && f.lane < 3);
      }
      const positions = [...track.obstacles, ...track.boostPads].map((f) => f.position);
      assert.equal(new Set(positions).size, positions.length, "one feature per position: a lane is always open");
      assert.ok(track.obstacles.length + track.boostPads.length > 5);
    }
  });
});

describe("race simulation", () => {
  it("gives the same result, bit for bit, for the same seed and input log", () => {
    const slots = [0, 1, 2, 3];
    const run = () =>
      runRace(createRace(generateTrack(7, 600, 4), slots, HZ), randomLog(99, slots, 2000));
    const a = run();
    const b = run();
    assert.deepEqual(a, b);
    assert.ok(a.over);
    // bit for bit: compare the exact float representation of every position
    for (let i = 0; i < a.racers.length; i++) {
      assert.ok(Object.is(a.racers[i]!.position, b.racers[i]!.position));
      assert.ok(Object.is(a.racers[i]!.finishTimeMs, b.racers[i]!.finishTimeMs));
    }
  });

  it("differs for a different seed with the same inputs", () => {
    const slots = [0, 1, 2];
    const log = randomLog(5, slots, 2000);
    const a = runRace(createRace(generateTrack(1, 600, 4), slots, HZ), log);
    const b = runRace(createRace(generateTrack(2, 600, 4), slots, HZ), log);
    assert.notDeepEqual(
      a.racers.map((r) => r.finishTimeMs),
      b.racers.map((r) => r.finishTimeMs),
    );
  });

  it("caps speed however many inputs a client sends", () => {
    // an obstacle-free track, so only the caps limit speed
    const track = { length: 5000, lanes: 3, obstacles: [], boostPads: [] };
    let spammer = createRace(track, [0], HZ);
    let calm = createRace(track, [0], HZ);
    for (let tick = 1; tick <= 400; tick++) {
      // the spammer's thousand inputs merge into one control per tick, exactly as the room merges them
      let merged: ControlInput | undefined;
      for (let i = 0; i < 1000; i++) merged = mergeControl(merged, 0, { throttle: 1, steer: i % 2 ? 1 : -1, boost: true });
      spammer = stepRace(spammer, [merged!]).state;
      calm = stepRace(calm, tick === 1 ? [control(0, 1, 0, true)] : []).state;
      const racer = spammer.racers[0]!;
      assert.ok(racer.speed <= RACE_RULES.boostSpeed + 1e-9, `speed ${racer.speed} over the boost cap`);
      if (racer.boostTicks === 0) assert.ok(racer.speed <= RACE_RULES.maxSpeed + 1e-9);
    }
    // boosting every time the cooldown allows is the most a client can get: never more than one boost per cooldown
    const boostsAllowed = Math.ceil((400 / HZ) / RACE_RULES.boostCooldownSeconds);
    const maxDistance = boostsAllowed * RACE_RULES.boostSeconds * RACE_RULES.boostSpeed + (400 / HZ) * RACE_RULES.maxSpeed;
    assert.ok(spammer.racers[0]!.position <= maxDistance, `${spammer.racers[0]!.position} > ${maxDistance}`);
    assert.ok(spammer.racers[0]!.position > calm.racers[0]!.position, "boosting whenever allowed still helps");
  });

  it("limits lane changes to one per cooldown", () => {
    const track = { length: 5000, lanes: 6, obstacles: [], boostPads: [] };
    let sim = createRace(track, [0], HZ);
    let changes = 0;
    let lane = sim.racers[0]!.lane;
    for (let tick = 1; tick <= 20; tick++) {
      sim = stepRace(sim, [control(0, 1, 1)]).state;
      if (sim.racers[0]!.lane !== lane) changes++;
      lane = sim.racers[0]!.lane;
    }
    assert.ok(changes <= Math.ceil(20 / (RACE_RULES.laneChangeCooldownSeconds * HZ)) + 1);
    assert.ok(changes < 6);
  });

  it("orders finishers by interpolated finish time and ends when everyone is done", () => {
    const track = { length: 100, lanes: 3, obstacles: [], boostPads: [] };
    let sim: RaceSim = createRace(track, [0, 1, 2], HZ);
    const events = [];
    while (!sim.over) {
      const step = stepRace(sim, [control(0, 1), control(1, 0.8), control(2, 0.6)]);
      events.push(...step.events);
      sim = step.state;
    }
    assert.deepEqual(sim.finishOrder, [0, 1, 2]);
    assert.deepEqual(sim.racers.map((r) => r.place), [1, 2, 3]);
    const times = sim.racers.map((r) => r.finishTimeMs!);
    assert.ok(times[0]! < times[1]! && times[1]! < times[2]!);
    assert.equal(events.filter((e) => e.type === "race-over").length, 1);
  });

  it("marks a racer who never reaches the line DNF at the time limit", () => {
    const track = { length: 100, lanes: 2, obstacles: [], boostPads: [] };
    let sim = createRace(track, [0, 1], HZ);
    sim = runRace(sim, new Map([[1, [control(0, 1), control(1, 0)]]]), 100_000);
    assert.ok(sim.over);
    assert.equal(sim.tick, sim.timeLimitTicks);
    assert.equal(sim.racers[0]!.place, 1);
    assert.equal(sim.racers[1]!.dnf, true);
    assert.equal(sim.racers[1]!.place, 0);
  });

  it("makes a leaving racer DNF at once and lets the others finish", () => {
    const track = { length: 100, lanes: 2, obstacles: [], boostPads: [] };
    let sim = createRace(track, [0, 1], HZ);
    const step = stepRace(sim, [control(0, 1), { kind: "leave", slot: 1 }]);
    assert.deepEqual(step.events, [{ type: "dnf", slot: 1, reason: "left" }]);
    sim = runRace(step.state, new Map());
    assert.equal(sim.racers[0]!.place, 1);
    assert.equal(sim.racers[1]!.dnf, true);
  });

  it("slows a racer who hits an obstacle", () => {
    const track = { length: 1000, lanes: 1, obstacles: [{ lane: 0, position: 50 }], boostPads: [] };
    let sim = createRace(track, [0], HZ);
    let hit = false;
    for (let tick = 0; tick < 200 && !hit; tick++) {
      const step = stepRace(sim, [control(0, 1)]);
      hit = step.events.some((e) => e.type === "obstacle");
      sim = step.state;
    }
    assert.ok(hit);
    assert.equal(sim.racers[0]!.position, 50);
    assert.ok(sim.racers[0]!.speed <= RACE_RULES.obstacleSpeed);
  });

  it("replays a race played through its rules, from the compact log, to the same standings", () => {
    const settings: RaceSettings = { trackLength: 300, lanes: 3, maxPlayers: 3, tickRateHz: HZ, countdownMs: 500 };
    const players = [0, 1, 2].map((seat) => ({ seat, playerId: `p${seat}`, name: `racer ${seat}` }));
    const setup = { seed: 11, settings, players };
    const rng = new Rng(3);
    const log = new RaceInputLog();
    let match = raceRules.create(setup);
    while (!raceRules.isOver(match)) {
      for (const { seat } of players) {
        if (rng.float() >= 0.7) continue;
        const input = { type: "input" as const, seat, payload: { throttle: 0.5 + rng.float() / 2, steer: rng.pick([-1, 0, 1] as const), boost: rng.float() < 0.05 } };
        const step = raceRules.apply(match, input, raceRules.now(match));
        if (!step.refused && step.logged !== false) log.push(raceRules.now(match), input);
      }
      match = raceRules.advance(match, raceRules.now(match) + 1).state;
    }
    assert.ok(log.length > 256, "the log grew past its first capacity");
    const replayed = replayMatch(raceRules, setup, decodeLog(raceRules, log.entries()));
    assert.deepEqual(raceRules.outcome(replayed), raceRules.outcome(match));
    assert.equal(raceRules.outcome(match).standings.length, 3);
  });

  it("keeps logged inputs exactly (throttle to the last bit, steer, boost, leaves, a stop) in its compact log", () => {
    const log = new RaceInputLog();
    const throttle = 0.1 + 0.2; // not representable as float32
    log.push(7, { type: "input", seat: 3, payload: { throttle, steer: -1, boost: true } });
    log.push(8, { type: "leave", seat: 5 });
    log.push(9, { type: "input", seat: 0, payload: { throttle: 1, steer: 1, boost: false } });
    log.push(10, { type: "stop", reason: "shutdown" });
    assert.deepEqual(log.entries(), [
      [7, [3, throttle, -1, true]],
      [8, [5, "leave"]],
      [9, [0, 1, 1, false]],
      [10, ["stop"]],
    ]);
  });

  it("treats a repeated control (same throttle, no steer, no boost) as no input, so the room may leave it out of the log", () => {
    const track = generateTrack(5, 800, 3);
    let held = createRace(track, [0, 1], HZ);
    let once = createRace(track, [0, 1], HZ);
    for (let tick = 1; tick <= 300; tick++) {
      const first = tick === 1 || tick === 120;
      const throttle = tick < 120 ? 0.8 : 0.6;
      held = stepRace(held, [control(0, throttle), control(1, 1)]).state;
      once = stepRace(once, first ? [control(0, throttle), control(1, 1)] : []).state;
    }
    assert.deepEqual(held, once);
  });
});

