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

const LEAVE_CODE = 2;

/**
 * The input log a racing room keeps, in column arrays instead of one small array per entry: a race
 * of 8 logs a few entries per player and second, which as JS arrays were thousands of objects a
 * second per node for the garbage collector to promote and mark. About 15 bytes an entry instead of
 * about 100; the stored result still gets the plain `LoggedInput[]` (`entries()`).
 */
export class RaceInputLog {
  private ticks = new Uint32Array(256);
  private slots = new Uint8Array(256);
  /** Float64: replay must see the exact throttle the simulation used. */
  private throttles = new Float64Array(256);
  /** steer + 1 (0, 1, 2), or LEAVE_CODE + 1 for a leave. */
  private codes = new Uint8Array(256);
  private boosts = new Uint8Array(256);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(tick: number, input: TickInput): void {
    if (this.count === this.ticks.length) this.grow();
    const i = this.count++;
    this.ticks[i] = tick;
    this.slots[i] = input.slot;
    if (input.kind === "leave") {
      this.codes[i] = LEAVE_CODE + 1;
      return;
    }
    this.throttles[i] = input.throttle;
    this.codes[i] = input.steer + 1;
    this.boosts[i] = input.boost ? 1 : 0;
  }

  entries(): LoggedInput[] {
    const out: LoggedInput[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const code = this.codes[i]!;
      out[i] =
        code === LEAVE_CODE + 1
          ? [this.ticks[i]!, this.slots[i]!, "leave"]
          : [this.ticks[i]!, this.slots[i]!, this.throttles[i]!, (code - 1) as Steer, this.boosts[i] === 1];
    }
    return out;
  }

  private grow() {
    this.ticks = doubled(this.ticks);
    this.slots = doubled(this.slots);
    this.throttles = doubled(this.throttles);
    this.codes = doubled(this.codes);
    this.boosts = doubled(this.boosts);
  }
}

/** A typed array of twice the length holding the same values first. */
function doubled<T extends Uint8Array | Uint32Array | Float64Array>(old: T): T {
  const next = new (old.constructor as new (length: number) => T)(old.length * 2);
  next.set(old);
  return next;
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
