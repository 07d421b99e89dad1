/**
 * The race's input log and replay: what a room records while racing, and the pure re-run of it.
 */
import { raceScore, createRace, stepRace, stopRace, type RaceSim, type TickInput, type Steer } from "./simulation.js";
import { generateTrack } from "./track.js";

/** Settings a race was created with; stored with the match. */
export interface RaceSettings {
  trackLength: number;
  lanes: number;
  maxPlayers: number;
  tickRateHz: number;
}

/** `[tick, slot, throttle, steer, boost]` for a control, `[tick, slot, "leave"]` for a leave. */
export type LoggedInput = [number, number, number, Steer, boolean] | [number, number, "leave"];

export interface RaceReplay {
  /** Slot of each player, in the order they were placed on the grid. */
  slots: Array<{ slot: number; playerId: string }>;
  inputs: LoggedInput[];
  /** Set when the race was ended from outside (server shutdown) at this tick. */
  stoppedAtTick?: number;
}

export function logInput(tick: number, input: TickInput): LoggedInput {
  return input.kind === "leave"
    ? [tick, input.slot, "leave"]
    : [tick, input.slot, input.throttle, input.steer, input.boost];
}

function fromLog(entry: LoggedInput): TickInput {
  if (entry[2] === "leave") return { kind: "leave", slot: entry[1] };
  const [, slot, throttle, steer, boost] = entry as [number, number, number, Steer, boolean];
  return { kind: "control", slot, throttle, steer, boost };
}

export interface RaceStanding {
  slot: number;
  place: number;
  /** 1-based; every DNF shares the place after the last finisher. */
  placement: number;
  finishTimeMs: number | null;
  dnf: boolean;
  score: number;
}

/** Final standings of a finished simulation, in placement order. */
export function raceStandings(sim: RaceSim): RaceStanding[] {
  const finishers = sim.finishOrder.length;
  return sim.racers
    .map((racer) => ({
      slot: racer.slot,
      place: racer.place,
      placement: racer.place > 0 ? racer.place : finishers + 1,
      finishTimeMs: racer.finishTimeMs === null ? null : Math.round(racer.finishTimeMs),
      dnf: racer.dnf,
      score: raceScore(racer.place, sim.racers.length, racer.dnf),
    }))
    .sort((a, b) => a.placement - b.placement || a.slot - b.slot);
}

/** Re-runs a stored race from its seed, settings and input log. */
export function replayRace(seed: number, settings: RaceSettings, replay: RaceReplay): RaceStanding[] {
  const track = generateTrack(seed, settings.trackLength, settings.lanes);
  let sim = createRace(
    track,
    replay.slots.map((s) => s.slot),
    settings.tickRateHz,
  );
  const byTick = new Map<number, TickInput[]>();
  for (const entry of replay.inputs) {
    const list = byTick.get(entry[0]) ?? [];
    list.push(fromLog(entry));
    byTick.set(entry[0], list);
  }
  const stopAt = replay.stoppedAtTick ?? Number.POSITIVE_INFINITY;
  while (!sim.over && sim.tick < stopAt) sim = stepRace(sim, byTick.get(sim.tick + 1) ?? []).state;
  return raceStandings(stopRace(sim));
}
