/**
 * The race rules as a pure function: (state, inputs of one tick) → (next state, events).
 * No I/O, no clock, no randomness at run time (the track is generated from the seed up front),
 * so the same track and input log always give the same race, bit for bit.
 */
import type { Track, TrackFeatureSpec } from "./track.js";

export const RACE_RULES = {
  /** Top speed at full throttle, m/s. */
  maxSpeed: 20,
  /** Top speed while boosting, m/s. */
  boostSpeed: 30,
  acceleration: 8,
  deceleration: 12,
  boostSeconds: 1.5,
  boostCooldownSeconds: 5,
  padBoostSeconds: 1,
  /** Speed right after hitting an obstacle, m/s, and how long the racer cannot accelerate. */
  obstacleSpeed: 4,
  obstacleStunSeconds: 0.5,
  laneChangeCooldownSeconds: 0.3,
  /** A racer who has not finished after length / this speed (+ grace) is DNF. */
  timeLimitMinSpeed: 5,
  timeLimitGraceSeconds: 5,
} as const;

export type Steer = -1 | 0 | 1;

/** The effective control of one racer during one tick (several client inputs merged into one). */
export interface ControlInput {
  kind: "control";
  slot: number;
  throttle: number;
  steer: Steer;
  boost: boolean;
}

/** The racer left the race: DNF from this tick on. */
export interface LeaveInput {
  kind: "leave";
  slot: number;
}

export type TickInput = ControlInput | LeaveInput;

export interface RacerSim {
  slot: number;
  lane: number;
  position: number;
  speed: number;
  throttle: number;
  boostTicks: number;
  boostCooldownTicks: number;
  laneCooldownTicks: number;
  stunTicks: number;
  /** Race time at the finish line, interpolated inside the tick; null until finished. */
  finishTimeMs: number | null;
  place: number;
  dnf: boolean;
}

export interface RaceSim {
  tick: number;
  tickRateHz: number;
  timeLimitTicks: number;
  track: Track;
  racers: RacerSim[];
  /** Slots in finishing order. */
  finishOrder: number[];
  over: boolean;
}

export type RaceEvent =
  | { type: "finish"; slot: number; place: number; finishTimeMs: number }
  | { type: "dnf"; slot: number; reason: "left" | "time-limit" }
  | { type: "obstacle"; slot: number; position: number }
  | { type: "boost"; slot: number; source: "button" | "pad" }
  | { type: "race-over" };

export interface StepResult {
  state: RaceSim;
  events: RaceEvent[];
}

export function timeLimitTicks(trackLength: number, tickRateHz: number): number {
  const seconds = trackLength / RACE_RULES.timeLimitMinSpeed + RACE_RULES.timeLimitGraceSeconds;
  return Math.ceil(seconds * tickRateHz);
}

/** The state at the start signal: everyone on the line, spread over the lanes by slot. */
export function createRace(track: Track, slots: readonly number[], tickRateHz: number): RaceSim {
  return {
    tick: 0,
    tickRateHz,
    timeLimitTicks: timeLimitTicks(track.length, tickRateHz),
    track,
    racers: slots.map((slot, index) => ({
      slot,
      lane: index % track.lanes,
      position: 0,
      speed: 0,
      throttle: 0,
      boostTicks: 0,
      boostCooldownTicks: 0,
      laneCooldownTicks: 0,
      stunTicks: 0,
      finishTimeMs: null,
      place: 0,
      dnf: false,
    })),
    finishOrder: [],
    over: false,
  };
}

const ticksOf = (seconds: number, hz: number) => Math.round(seconds * hz);

/** Index of the first feature strictly past `position` (features are sorted by position): a binary search, not a scan. */
function firstAfter(features: readonly TrackFeatureSpec[], position: number): number {
  let low = 0;
  let high = features.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (features[mid]!.position <= position) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function isRacing(racer: RacerSim): boolean {
  return racer.finishTimeMs === null && !racer.dnf;
}

/** Advances the race by one tick. `inputs` holds at most one entry per slot and kind; order does not matter. */
export function stepRace(previous: RaceSim, inputs: readonly TickInput[]): StepResult {
  if (previous.over) return { state: previous, events: [] };
  const hz = previous.tickRateHz;
  const dt = 1 / hz;
  const tick = previous.tick + 1;
  const events: RaceEvent[] = [];
  const { track } = previous;
  const controls = new Map<number, ControlInput>();
  const leaving = new Set<number>();
  for (const input of inputs) {
    if (input.kind === "leave") leaving.add(input.slot);
    else controls.set(input.slot, input);
  }

  const crossings: Array<{ racer: RacerSim; finishTimeMs: number }> = [];
  const racers = previous.racers.map((before): RacerSim => {
    const racer = { ...before };
    if (!isRacing(racer)) return racer;
    if (leaving.has(racer.slot)) {
      racer.dnf = true;
      racer.speed = 0;
      events.push({ type: "dnf", slot: racer.slot, reason: "left" });
      return racer;
    }

    racer.boostCooldownTicks = Math.max(0, racer.boostCooldownTicks - 1);
    racer.laneCooldownTicks = Math.max(0, racer.laneCooldownTicks - 1);
    racer.stunTicks = Math.max(0, racer.stunTicks - 1);
    racer.boostTicks = Math.max(0, racer.boostTicks - 1);

    const control = controls.get(racer.slot);
    if (control) {
      racer.throttle = Math.min(1, Math.max(0, control.throttle));
      if (control.steer !== 0 && racer.laneCooldownTicks === 0) {
        const lane = racer.lane + control.steer;
        if (lane >= 0 && lane < track.lanes) {
          racer.lane = lane;
          racer.laneCooldownTicks = ticksOf(RACE_RULES.laneChangeCooldownSeconds, hz);
        }
      }
      if (control.boost && racer.boostCooldownTicks === 0) {
        racer.boostTicks = ticksOf(RACE_RULES.boostSeconds, hz);
        racer.boostCooldownTicks = ticksOf(RACE_RULES.boostCooldownSeconds, hz);
        events.push({ type: "boost", slot: racer.slot, source: "button" });
      }
    }

    // speed follows the throttle within the acceleration limits; the cap is the server's, not the client's
    const cap = racer.boostTicks > 0 ? RACE_RULES.boostSpeed : RACE_RULES.maxSpeed;
    const target = racer.boostTicks > 0 ? RACE_RULES.boostSpeed : racer.throttle * RACE_RULES.maxSpeed;
    if (racer.stunTicks === 0 && target > racer.speed) {
      racer.speed = Math.min(target, racer.speed + RACE_RULES.acceleration * dt);
    } else if (target < racer.speed) {
      racer.speed = Math.max(target, racer.speed - RACE_RULES.deceleration * dt);
    }
    racer.speed = Math.min(racer.speed, cap);

    const from = racer.position;
    let to = from + racer.speed * dt;

    // features crossed this tick, nearest first: an obstacle stops the racer at it
    for (let i = firstAfter(track.obstacles, from); i < track.obstacles.length; i++) {
      const obstacle = track.obstacles[i]!;
      if (obstacle.position > to) break;
      if (obstacle.lane === racer.lane) {
        to = obstacle.position;
        racer.speed = Math.min(racer.speed, RACE_RULES.obstacleSpeed);
        racer.stunTicks = ticksOf(RACE_RULES.obstacleStunSeconds, hz);
        racer.boostTicks = 0;
        events.push({ type: "obstacle", slot: racer.slot, position: obstacle.position });
        break;
      }
    }
    for (let i = firstAfter(track.boostPads, from); i < track.boostPads.length; i++) {
      const pad = track.boostPads[i]!;
      if (pad.position > to) break;
      if (pad.lane === racer.lane) {
        racer.boostTicks = Math.max(racer.boostTicks, ticksOf(RACE_RULES.padBoostSeconds, hz));
        events.push({ type: "boost", slot: racer.slot, source: "pad" });
        break;
      }
    }
    racer.position = to;

    if (racer.position >= track.length) {
      // finish time interpolated within the tick, so two racers crossing in one tick are still ordered fairly
      const fraction = to > from ? (track.length - from) / (to - from) : 1;
      const finishTimeMs = ((tick - 1 + fraction) * 1000) / hz;
      racer.position = track.length;
      crossings.push({ racer, finishTimeMs });
    }
    return racer;
  });

  const finishOrder = previous.finishOrder.slice();
  crossings.sort((a, b) => a.finishTimeMs - b.finishTimeMs || a.racer.slot - b.racer.slot);
  for (const { racer, finishTimeMs } of crossings) {
    finishOrder.push(racer.slot);
    racer.finishTimeMs = finishTimeMs;
    racer.place = finishOrder.length;
    events.push({ type: "finish", slot: racer.slot, place: racer.place, finishTimeMs });
  }

  if (tick >= previous.timeLimitTicks) {
    for (const racer of racers) {
      if (isRacing(racer)) {
        racer.dnf = true;
        events.push({ type: "dnf", slot: racer.slot, reason: "time-limit" });
      }
    }
  }

  const over = racers.every((racer) => !isRacing(racer));
  if (over) events.push({ type: "race-over" });
  return { state: { ...previous, tick, racers, finishOrder, over }, events };
}

/** Ends a race from outside (e.g. the server shuts down): everyone still racing is DNF. */
export function stopRace(sim: RaceSim): RaceSim {
  if (sim.over) return sim;
  return {
    ...sim,
    racers: sim.racers.map((racer) => (isRacing(racer) ? { ...racer, dnf: true } : racer)),
    over: true,
  };
}

/** Points for a result: finishers score by place (more racers beaten, more points); DNF scores 0. */
export function raceScore(place: number, racerCount: number, dnf: boolean): number {
  if (dnf || place === 0) return 0;
  return (racerCount - place + 1) * 100;
}

/** Runs a whole race from a log of inputs keyed by tick. Used by replay and tests. */
export function runRace(initial: RaceSim, inputsByTick: ReadonlyMap<number, readonly TickInput[]>, maxTicks = initial.timeLimitTicks): RaceSim {
  let state = initial;
  while (!state.over && state.tick < maxTicks) {
    state = stepRace(state, inputsByTick.get(state.tick + 1) ?? []).state;
  }
  return state;
}

/**
 * Folds one more client input into the control a racer will apply at the next tick.
 * However many inputs arrive within a tick, the racer gets one control: the latest throttle,
 * the latest lane change request and a boost request if any input asked for one.
 */
export function mergeControl(
  pending: ControlInput | undefined,
  slot: number,
  input: { throttle: number; steer: Steer; boost: boolean },
): ControlInput {
  return {
    kind: "control",
    slot,
    throttle: input.throttle,
    steer: input.steer !== 0 ? input.steer : (pending?.steer ?? 0),
    boost: input.boost || (pending?.boost ?? false),
  };
}
