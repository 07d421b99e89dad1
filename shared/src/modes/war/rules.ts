/**
 * The war as a mode: the fixed-tick simulation driven by moves, seat changes and ticks. A move is
 * checked when it arrives and walks at the next tick; a seat changes hands at once. Pure: same
 * seed, settings and input log ⇒ the same war, tick for tick.
 */
import { ErrorCode } from "../../kit/errors.js";
import { refuse, type InputCodec, type MatchOutcome, type ModeRules, type RulesInput, type Standing, type Step } from "../../kit/rules.js";
import type { WarMove } from "./contract.js";
import { warStandings } from "./scoring.js";
import { changeSeat, checkMove, createWar, stepWar, stopWar } from "./simulation.js";
import type { MoveInput, WarEvent, WarSettings, WarSim } from "./state.js";

export type { WarSettings } from "./state.js";

export type WarMessages = { move: WarMove };

/** The rules state: plain data (a replay viewer clones it to seek). */
export interface WarMatch {
  sim: WarSim;
  /** Moves accepted since the last tick, in arrival order; at most one per seat. */
  queued: MoveInput[];
}

export const WAR_RULES_VERSION = 2;

type WarStep = Step<WarMatch, WarEvent>;

const unchanged = (match: WarMatch): WarStep => ({ state: match, events: [] });

function applyMove(match: WarMatch, seat: number, to: number): WarStep | ReturnType<typeof refuse> {
  const { sim } = match;
  const unit = sim.seats[seat];
  if (!unit || sim.participants[unit.occupant]!.isBot) return refuse(ErrorCode.NotParticipant, "no human plays this seat");
  // nothing else moves a human's unit before the tick, so the check holds when the move walks
  const reason = checkMove(sim, seat, to) ?? (match.queued.some((m) => m.seat === seat) ? "a move is already queued for this tick" : null);
  if (reason) return refuse(ErrorCode.InvalidMove, reason);
  match.queued.push({ seat, to });
  return unchanged(match);
}

/** A seat changing hands now; a human's queued move goes with the human. */
function applySeatChange(match: WarMatch, seat: number, human: { playerId: string; name: string } | null): WarStep | ReturnType<typeof refuse> {
  const events: WarEvent[] = [];
  const reason = changeSeat(match.sim, { seat, human }, events);
  if (reason) return refuse(ErrorCode.NotParticipant, reason);
  match.queued = match.queued.filter((m) => m.seat !== seat);
  return { state: match, events };
}

/**
 * A logged war input: `[seat, "move", zone]`, `[seat, "join", playerId, name]` (a human takes the
 * seat from its bot), `[seat, "leave"]` (the seat's bot takes over) or `["stop"]`.
 */
export type StoredWarInput = [number, "move", number] | [number, "join", string, string] | [number, "leave"] | ["stop"];

export const warCodec: InputCodec<WarMessages> = {
  encode(input): StoredWarInput {
    switch (input.type) {
      case "move":
        return [input.seat, "move", input.payload.to];
      case "join":
        return [input.seat, "join", input.playerId, input.name];
      case "leave":
        return [input.seat, "leave"];
      case "stop":
        return ["stop"];
      default:
        throw new Error(`war inputs of type ${input.type} are not logged`);
    }
  },
  decode(stored) {
    const entry = stored as StoredWarInput;
    switch (entry[1]) {
      case "move":
        return { type: "move", seat: entry[0], payload: { to: entry[2] } };
      case "join":
        return { type: "join", seat: entry[0], playerId: entry[2], name: entry[3] };
      case "leave":
        return { type: "leave", seat: entry[0] };
      default:
        return { type: "stop", reason: "shutdown" };
    }
  },
};

/** How a war ended, as the results store keeps it: abandoned and stopped wars are aborted. */
export function warOutcome(sim: WarSim): MatchOutcome {
  const standings = warStandings(sim);
  const status = standings.reason === "abandoned" || standings.reason === "shutdown" ? "aborted" : "completed";
  const participants: Standing[] = standings.participants.map((p) => ({
    seat: p.seat,
    playerId: p.playerId,
    name: p.name,
    isBot: p.isBot,
    placement: p.placement,
    score: p.score,
    finishTimeMs: null,
    leftEarly: p.leftEarly,
    // a faction wins and loses its rating together
    team: p.faction,
    reputationDelta: p.reputationDelta,
    details: {
      faction: p.faction,
      seat: p.seat,
      captures: p.captures,
      captureSeconds: p.captureSeconds,
      holdSeconds: p.holdSeconds,
      missions: p.missions,
      joinedTick: p.joinedTick,
      leftTick: p.leftTick,
    },
  }));
  return {
    status,
    reason: standings.reason,
    standings: participants,
    summary: {
      winner: standings.winner,
      ticks: standings.ticks,
      zones: sim.map.zones.length,
      humans: participants.filter((p) => !p.isBot).length,
      bots: participants.filter((p) => p.isBot).length,
      factions: standings.factions,
    },
    rows: {
      faction_standings: standings.factions.map((f) => ({
        faction: f.faction,
        placement: f.placement,
        score: f.score,
        details: { zonesHeld: f.zonesHeld, captures: f.captures, missionsDone: f.missionsDone, holdPoints: f.holdPoints, bonusPoints: f.bonusPoints },
      })),
    },
  };
}

export const warRules: ModeRules<WarSettings, WarMatch, WarMessages, WarEvent> = {
  codec: warCodec,

  version: WAR_RULES_VERSION,

  clock: (settings) => ({ kind: "tick", hz: settings.tickRateHz }),

  create: ({ seed, settings, players }) => ({ sim: createWar(seed, settings, players), queued: [] }),

  apply(match, input: RulesInput<WarMessages>) {
    if (match.sim.over) return refuse(ErrorCode.WrongPhase, "the war is over");
    switch (input.type) {
      case "move":
        return applyMove(match, input.seat, input.payload.to);
      case "join":
        return applySeatChange(match, input.seat, { playerId: input.playerId, name: input.name });
      case "leave":
        return applySeatChange(match, input.seat, null);
      case "presence":
        // the projection shows connections; the rules play a dropped player's unit as it stands
        return { state: match, events: [], logged: false };
      case "stop": {
        const events: WarEvent[] = [];
        stopWar(match.sim, input.reason, events);
        return { state: match, events };
      }
    }
  },

  advance(match, to) {
    const events: WarEvent[] = [];
    while (match.sim.tick < to && !match.sim.over) {
      const moves = match.queued;
      if (moves.length > 0) match.queued = [];
      events.push(...stepWar(match.sim, moves).events);
    }
    return { state: match, events };
  },

  now: (match) => match.sim.tick,
  nextDeadline: (match) => (match.sim.over ? null : match.sim.tick + 1),
  isOver: (match) => match.sim.over,
  outcome: (match) => warOutcome(match.sim),
};
