/**
 * The race as a mode: countdown, then the fixed-tick simulation, driven by inputs and ticks.
 * Pure: same seed, settings and input log ⇒ the same race, bit for bit.
 */
import { ErrorCode } from "../../kit/errors.js";
import { refuse, type InputCodec, type MatchOutcome, type ModeRules, type RulesInput, type SeatedPlayer, type Standing, type Step } from "../../kit/rules.js";
import type { RaceInput } from "./contract.js";
import { createRace, isRacing, mergeControl, raceScore, stepRace, stopRace, type ControlInput, type RaceEvent, type RaceSim, type TickInput } from "./simulation.js";
import { generateTrack } from "./track.js";

/** Settings a race is played with; stored with the match. */
export interface RaceSettings {
  trackLength: number;
  lanes: number;
  maxPlayers: number;
  tickRateHz: number;
  countdownMs: number;
}

export type RaceMessages = { input: RaceInput };

export type RaceMatchEvent = RaceEvent | { type: "started"; timeLimitMs: number };

/** The rules state: plain data (a replay viewer clones it to seek). */
export interface RaceMatch {
  /** Match ticks so far, countdown included. */
  tick: number;
  /** Ticks left in the countdown; 0 once racing. */
  countdownTicks: number;
  countdownTotalTicks: number;
  sim: RaceSim;
  players: SeatedPlayer[];
  /** Merged control per slot for the next step. */
  pending: Array<ControlInput | null>;
  /** Slots leaving at the next step. */
  leaving: number[];
  /** Slots whose player left before finishing. */
  left: number[];
  stopped: boolean;
}

export const RACE_RULES_VERSION = 2;

export function raceCountdownTicks(settings: RaceSettings): number {
  return Math.ceil((settings.countdownMs * settings.tickRateHz) / 1000);
}

function racer(match: RaceMatch, slot: number) {
  return match.sim.racers.find((r) => r.slot === slot);
}

function applyMessage(match: RaceMatch, slot: number, input: RaceInput): Step<RaceMatch, RaceMatchEvent> | ReturnType<typeof refuse> {
  const racing = racer(match, slot);
  if (!racing || !isRacing(racing) || match.leaving.includes(slot)) return refuse(ErrorCode.NotParticipant, "you are not racing any more");
  const pending = match.pending[slot] ?? undefined;
  // holding the throttle without steering or boosting changes nothing: left out of the log
  const throttleNow = pending?.throttle ?? racing.throttle;
  if (input.steer === 0 && !input.boost && input.throttle === throttleNow) return { state: match, events: [], logged: false };
  match.pending[slot] = mergeControl(pending, slot, input);
  return { state: match, events: [] };
}

/** A logged race input: `[seat, throttle, steer, boost]`, `[seat, "leave"]` or `["stop"]`. */
export type StoredRaceInput = [number, number, -1 | 0 | 1, boolean] | [number, "leave"] | ["stop"];

export const raceCodec: InputCodec<RaceMessages> = {
  encode(input): StoredRaceInput {
    switch (input.type) {
      case "input":
        return [input.seat, input.payload.throttle, input.payload.steer, input.payload.boost];
      case "leave":
        return [input.seat, "leave"];
      case "stop":
        return ["stop"];
      default:
        throw new Error(`race inputs of type ${input.type} are not logged`);
    }
  },
  decode(stored) {
    const entry = stored as StoredRaceInput;
    if (entry[0] === "stop") return { type: "stop", reason: "shutdown" };
    if (entry[1] === "leave") return { type: "leave", seat: entry[0] };
    const [seat, throttle, steer, boost] = entry as [number, number, -1 | 0 | 1, boolean];
    return { type: "input", seat, payload: { throttle, steer, boost } };
  },
};

export const raceRules: ModeRules<RaceSettings, RaceMatch, RaceMessages, RaceMatchEvent> = {
  codec: raceCodec,

  version: RACE_RULES_VERSION,

  clock: (settings) => ({ kind: "tick", hz: settings.tickRateHz }),

  create({ seed, settings, players }) {
    const track = generateTrack(seed, settings.trackLength, settings.lanes);
    const slots = players.map((p) => p.seat).sort((a, b) => a - b);
    const countdown = raceCountdownTicks(settings);
    return {
      tick: 0,
      countdownTicks: countdown,
      countdownTotalTicks: countdown,
      sim: createRace(track, slots, settings.tickRateHz),
      players: players.slice().sort((a, b) => a.seat - b.seat),
      pending: new Array<ControlInput | null>(settings.maxPlayers).fill(null),
      leaving: [],
      left: [],
      stopped: false,
    };
  },

  apply(match, input: RulesInput<RaceMessages>) {
    if (match.sim.over) return refuse(ErrorCode.WrongPhase, "the race is over");
    switch (input.type) {
      case "input":
        return applyMessage(match, input.seat, input.payload);
      case "leave":
        if (match.left.includes(input.seat)) return { state: match, events: [], logged: false };
        match.leaving.push(input.seat);
        if (racer(match, input.seat) && isRacing(racer(match, input.seat)!)) match.left.push(input.seat);
        return { state: match, events: [] };
      case "presence":
        return { state: match, events: [], logged: false };
      case "stop":
        match.sim = stopRace(match.sim);
        match.stopped = true;
        return { state: match, events: [{ type: "race-over" }] };
      case "join":
        return refuse(ErrorCode.WrongPhase, "a race takes no players once it has started");
    }
  },

  advance(match, to) {
    const events: RaceMatchEvent[] = [];
    while (match.tick < to && !match.sim.over) {
      match.tick++;
      if (match.countdownTicks > 0) {
        match.countdownTicks--;
        if (match.countdownTicks === 0) {
          events.push({ type: "started", timeLimitMs: Math.round((match.sim.timeLimitTicks * 1000) / match.sim.tickRateHz) });
        }
        continue;
      }
      const inputs: TickInput[] = [];
      for (const control of match.pending) if (control) inputs.push(control);
      for (const slot of match.leaving) inputs.push({ kind: "leave", slot });
      match.pending.fill(null);
      match.leaving = [];
      const step = stepRace(match.sim, inputs);
      match.sim = step.state;
      events.push(...step.events);
    }
    return { state: match, events };
  },

  now: (match) => match.tick,
  nextDeadline: (match) => (match.sim.over ? null : match.tick + 1),
  isOver: (match) => match.sim.over,

  outcome(match): MatchOutcome {
    const { sim } = match;
    const finishers = sim.finishOrder.length;
    const bySlot = new Map(match.players.map((p) => [p.seat, p]));
    const standings: Standing[] = sim.racers
      .map((r) => {
        const player = bySlot.get(r.slot);
        const placement = r.place > 0 ? r.place : finishers + 1;
        return {
          seat: r.slot,
          playerId: player?.playerId ?? "",
          name: player?.name ?? "",
          isBot: false,
          placement,
          score: raceScore(r.place, sim.racers.length, r.dnf),
          finishTimeMs: r.finishTimeMs === null ? null : Math.round(r.finishTimeMs),
          leftEarly: match.left.includes(r.slot),
          details: { slot: r.slot, dnf: r.dnf },
        };
      })
      .sort((a, b) => a.placement - b.placement || a.seat - b.seat);
    return {
      status: match.stopped ? "aborted" : "completed",
      reason: match.stopped ? "shutdown" : "finished",
      standings,
      summary: { racers: standings.length, finishers, ticks: sim.tick },
    };
  },
};

export { isRacing };
