/**
 * The war rules as a pure function: (state, inputs of one tick) → (next state, events).
 * No I/O, no clock; the only randomness (bot decisions) comes from a generator whose state lives in
 * the simulation state. Same seed, settings and input log ⇒ the same war, tick for tick.
 */
import type { WarEndReason } from "@arena/shared";
import { Rng, deriveSeed } from "@arena/shared/kit/random";
import { BOT_STRATEGIES, botPlayerId, decideBotMove, pickStrategy, thinkDelayTicks, type BotStrategy } from "./bots.js";
import { CAPTURE_RULES, NEUTRAL, advanceControl, controlFull, type ZoneControl } from "./capture.js";
import { areAdjacent, generateWarMap, travelTicks, type WarMap } from "./map.js";
import { advanceMissions, createMissions, type MissionSim } from "./missions.js";
import { factionOfSeat } from "./seats.js";

/** Settings a war is played with; stored with the match. */
export interface WarSettings {
  factions: number;
  /** Seats, humans and bots together; seat s belongs to faction s % factions. */
  maxPlayers: number;
  scoreLimit: number;
  timeLimitS: number;
  tickRateHz: number;
}

/** A human in a seat: walk to an adjacent zone. */
export interface MoveInput {
  kind: "move";
  seat: number;
  to: number;
}

/** A human takes a seat from its bot (a join in the middle of the match). */
export interface JoinInput {
  kind: "join";
  seat: number;
  playerId: string;
}

/** The human in a seat leaves for good: the seat's bot takes over. */
export interface LeaveInput {
  kind: "leave";
  seat: number;
}

export type WarTickInput = MoveInput | JoinInput | LeaveInput;

export interface ZoneSim extends ZoneControl {
  /** Units present per faction. */
  presence: number[];
}

/** A seat and the unit it plays: in a zone, or walking between two (then present nowhere). */
export interface SeatSim {
  index: number;
  faction: number;
  /** Index into `participants` of whoever plays this seat now. */
  occupant: number;
  /** Where the unit stands; -1 while walking. */
  zone: number;
  /** While walking: from where, to where, and the tick of arrival; -1 / 0 otherwise. */
  from: number;
  to: number;
  travelTicks: number;
  arrivesAtTick: number;
  /** Bots: the earliest tick of the next decision. */
  nextThinkTick: number;
}

/** Everyone who has played a seat, with what they contributed. */
export interface ParticipantSim {
  playerId: string;
  isBot: boolean;
  faction: number;
  seat: number;
  /** Holds a seat now. */
  active: boolean;
  joinedTick: number;
  leftTick: number | null;
  strategy: BotStrategy | null;
  captures: number;
  /** Ticks present where the own faction's control advanced. */
  captureTicks: number;
  /** Ticks present in a zone the own faction owns. */
  holdTicks: number;
  missions: number;
}

export interface FactionSim {
  /** Zone-ticks owned: the source of the holding points. */
  holdTicks: number;
  bonus: number;
  score: number;
  zonesHeld: number;
  captures: number;
  missionsDone: number;
}

export interface WarSim {
  settings: WarSettings;
  map: WarMap;
  tick: number;
  timeLimitTicks: number;
  controlFull: number;
  /** State of the generator behind bot decisions. */
  rng: number;
  zones: ZoneSim[];
  seats: SeatSim[];
  participants: ParticipantSim[];
  factions: FactionSim[];
  missions: MissionSim[];
  /** Humans who ever held a seat; a war they have all left is over. */
  humansJoined: number;
  over: boolean;
  endReason: WarEndReason | null;
}

export type WarEvent =
  | { type: "moved"; seat: number; from: number; to: number; arrivesAtTick: number }
  | { type: "arrived"; seat: number; zone: number }
  | { type: "input-ignored"; input: WarTickInput; reason: string }
  | { type: "seat-taken"; seat: number; playerId: string; isBot: boolean }
  | { type: "captured"; zone: number; faction: number; previousOwner: number }
  | { type: "neutralized"; zone: number; faction: number; by: number }
  | { type: "mission-done"; mission: number; faction: number; bonus: number }
  | { type: "war-over"; reason: WarEndReason };

export interface WarStepResult {
  state: WarSim;
  events: WarEvent[];
}

/** The map and missions of a war: what players see in the lobby, and what `createWar` starts from. */
export function warSetup(seed: number, settings: WarSettings): { map: WarMap; missions: MissionSim[] } {
  const map = generateWarMap(deriveSeed(seed, "map"), settings.factions);
  return { map, missions: createMissions(deriveSeed(seed, "missions"), map, settings) };
}

/**
 * The war at the start signal: every unit on its faction's home zone, each home zone owned by its
 * faction, humans in the given seats and bots in all the others.
 */
export function createWar(seed: number, settings: WarSettings, humans: ReadonlyArray<{ seat: number; playerId: string }>): WarSim {
  const { map, missions } = warSetup(seed, settings);
  const full = controlFull(settings.tickRateHz);
  const rng = new Rng(deriveSeed(seed, "bots"));
  const humanBySeat = new Map(humans.map((h) => [h.seat, h.playerId]));
  const participants: ParticipantSim[] = [];
  const seats: SeatSim[] = [];
  for (let index = 0; index < settings.maxPlayers; index++) {
    const faction = factionOfSeat(index, settings.factions);
    const human = humanBySeat.get(index);
    participants.push(newParticipant(human ?? botPlayerId(index), human === undefined, faction, index, 0, rng));
    seats.push({
      index,
      faction,
      occupant: participants.length - 1,
      zone: map.homes[faction]!,
      from: -1,
      to: -1,
      travelTicks: 0,
      arrivesAtTick: 0,
      nextThinkTick: thinkDelayTicks(rng, settings.tickRateHz),
    });
  }
  const sim: WarSim = {
    settings,
    map,
    tick: 0,
    timeLimitTicks: settings.timeLimitS * settings.tickRateHz,
    controlFull: full,
    rng: rng.current,
    zones: map.zones.map((zone) => {
      const home = map.homes.indexOf(zone.id);
      return {
        owner: home,
        controlFaction: home,
        control: home === NEUTRAL ? 0 : full,
        contested: false,
        presence: new Array<number>(settings.factions).fill(0),
      };
    }),
    seats,
    participants,
    factions: Array.from({ length: settings.factions }, () => ({
      holdTicks: 0,
      bonus: 0,
      score: 0,
      zonesHeld: 1,
      captures: 0,
      missionsDone: 0,
    })),
    missions,
    humansJoined: humans.length,
    over: false,
    endReason: null,
  };
  countPresence(sim);
  return sim;
}

function newParticipant(playerId: string, isBot: boolean, faction: number, seat: number, tick: number, rng: Rng): ParticipantSim {
  return {
    playerId,
    isBot,
    faction,
    seat,
    active: true,
    joinedTick: tick,
    leftTick: null,
    strategy: isBot ? pickStrategy(rng) : null,
    captures: 0,
    captureTicks: 0,
    holdTicks: 0,
    missions: 0,
  };
}

/** Whether the unit in `seat` may start walking to `to` now; the reason why not, or null. */
export function checkMove(sim: WarSim, seat: number, to: number): string | null {
  const unit = sim.seats[seat];
  if (!unit) return `no seat ${seat}`;
  if (!sim.map.zones[to]) return `there is no zone ${to} (zones are 0..${sim.map.zones.length - 1})`;
  if (unit.zone === -1) return `already moving to zone ${unit.to}`;
  if (unit.zone === to) return `already in zone ${to}`;
  if (!areAdjacent(sim.map, unit.zone, to)) {
    return `zone ${to} is not adjacent to zone ${unit.zone} (adjacent: ${sim.map.zones[unit.zone]!.neighbours.join(", ")})`;
  }
  return null;
}

function cloneSim(sim: WarSim): WarSim {
  return {
    ...sim,
    zones: sim.zones.map((z) => ({ ...z, presence: z.presence.slice() })),
    seats: sim.seats.map((s) => ({ ...s })),
    participants: sim.participants.map((p) => ({ ...p })),
    factions: sim.factions.map((f) => ({ ...f })),
    missions: sim.missions.map((m) => ({ ...m })),
  };
}

/**
 * Advances the war by one tick. Inputs apply in the order given: seat changes and moves as they
 * arrived. Then bots decide, walkers arrive, control shifts in every zone, owners score, missions
 * advance, and the end conditions are checked.
 */
export function stepWar(previous: WarSim, inputs: readonly WarTickInput[]): WarStepResult {
  if (previous.over) return { state: previous, events: [] };
  const sim = cloneSim(previous);
  sim.tick++;
  const events: WarEvent[] = [];
  const rng = new Rng(sim.rng);

  for (const input of inputs) {
    if (input.kind === "move") {
      const reason = checkMove(sim, input.seat, input.to);
      if (reason) events.push({ type: "input-ignored", input, reason });
      else startWalk(sim, sim.seats[input.seat]!, input.to, events);
    } else {
      const reason = takeSeat(sim, input.seat, input.kind === "join" ? input.playerId : null, rng, events);
      if (reason) events.push({ type: "input-ignored", input, reason });
    }
  }

  const hz = sim.settings.tickRateHz;
  for (const seat of sim.seats) {
    const occupant = sim.participants[seat.occupant]!;
    if (!occupant.isBot || seat.zone === -1 || sim.tick < seat.nextThinkTick) continue;
    seat.nextThinkTick = sim.tick + thinkDelayTicks(rng, hz);
    const to = decideBotMove(sim, seat, occupant.strategy ?? BOT_STRATEGIES[0]!, rng);
    if (to !== null) startWalk(sim, seat, to, events);
  }
  sim.rng = rng.current;

  for (const seat of sim.seats) {
    if (seat.zone === -1 && sim.tick >= seat.arrivesAtTick) {
      seat.zone = seat.to;
      seat.from = -1;
      seat.to = -1;
      seat.travelTicks = 0;
      seat.arrivesAtTick = 0;
      seat.nextThinkTick = Math.max(seat.nextThinkTick, sim.tick + 1);
      events.push({ type: "arrived", seat: seat.index, zone: seat.zone });
    }
  }

  countPresence(sim);
  const captures = fightForZones(sim, events);
  score(sim);
  completeMissions(sim, captures, events);
  checkEnd(sim, events);
  return { state: sim, events };
}

function startWalk(sim: WarSim, seat: SeatSim, to: number, events: WarEvent[]): void {
  const ticks = travelTicks(sim.map, seat.zone, to, sim.settings.tickRateHz);
  seat.from = seat.zone;
  seat.to = to;
  seat.zone = -1;
  seat.travelTicks = ticks;
  seat.arrivesAtTick = sim.tick + ticks;
  events.push({ type: "moved", seat: seat.index, from: seat.from, to, arrivesAtTick: seat.arrivesAtTick });
}

/**
 * Hands a seat to a human (`playerId`) or back to its bot (null). The unit stays where it is, walking
 * or not: nobody teleports. A player who held a seat before comes back as the same participant.
 */
function takeSeat(sim: WarSim, seatIndex: number, playerId: string | null, rng: Rng, events: WarEvent[]): string | null {
  const seat = sim.seats[seatIndex];
  if (!seat) return `no seat ${seatIndex}`;
  const current = sim.participants[seat.occupant]!;
  const isBot = playerId === null;
  if (isBot === current.isBot) return isBot ? `seat ${seatIndex} is already played by its bot` : `seat ${seatIndex} is held by a human`;
  const id = playerId ?? botPlayerId(seatIndex);
  let index = sim.participants.findIndex((p) => p.playerId === id);
  if (index >= 0 && sim.participants[index]!.active) return `player ${id} already holds seat ${sim.participants[index]!.seat}`;

  current.active = false;
  current.leftTick = sim.tick;
  if (index < 0) {
    sim.participants.push(newParticipant(id, isBot, seat.faction, seatIndex, sim.tick, rng));
    index = sim.participants.length - 1;
  } else {
    Object.assign(sim.participants[index]!, { active: true, leftTick: null, faction: seat.faction, seat: seatIndex });
  }
  if (!isBot) sim.humansJoined++;
  seat.occupant = index;
  seat.nextThinkTick = sim.tick + 1;
  events.push({ type: "seat-taken", seat: seatIndex, playerId: id, isBot });
  return null;
}

function countPresence(sim: WarSim): void {
  for (const zone of sim.zones) zone.presence.fill(0);
  for (const seat of sim.seats) {
    if (seat.zone !== -1) sim.zones[seat.zone]!.presence[seat.faction]!++;
  }
}

/** Control shifts in every zone; the units present get the credit. Returns this tick's captures. */
function fightForZones(sim: WarSim, events: WarEvent[]): Array<{ zone: number; faction: number }> {
  const captures: Array<{ zone: number; faction: number }> = [];
  const advancing: number[] = [];
  sim.zones.forEach((zone, id) => {
    const step = advanceControl(zone, zone.presence, sim.controlFull);
    Object.assign(zone, step.zone);
    advancing[id] = step.advancing;
    for (const change of step.changes) {
      if (change.kind === "captured") {
        captures.push({ zone: id, faction: change.faction });
        sim.factions[change.faction]!.captures++;
        events.push({ type: "captured", zone: id, faction: change.faction, previousOwner: change.previousOwner });
      } else {
        events.push({ type: "neutralized", zone: id, faction: change.faction, by: change.by });
      }
    }
  });
  for (const seat of sim.seats) {
    if (seat.zone === -1) continue;
    const participant = sim.participants[seat.occupant]!;
    const zone = sim.zones[seat.zone]!;
    if (zone.owner === seat.faction) participant.holdTicks++;
    if (advancing[seat.zone] === seat.faction) participant.captureTicks++;
    if (captures.some((c) => c.zone === seat.zone && c.faction === seat.faction)) participant.captures++;
  }
  return captures;
}

function score(sim: WarSim): void {
  const hz = sim.settings.tickRateHz;
  sim.factions.forEach((faction, index) => {
    faction.zonesHeld = sim.zones.filter((z) => z.owner === index).length;
    faction.holdTicks += faction.zonesHeld;
    faction.score = Math.floor(faction.holdTicks / hz) * CAPTURE_RULES.pointsPerZoneSecond + faction.bonus;
  });
}

/** Completed missions pay their bonus to the faction and count for every member in a seat. */
function completeMissions(sim: WarSim, captures: Array<{ zone: number; faction: number }>, events: WarEvent[]): void {
  const owners = sim.zones.map((z) => z.owner);
  for (const mission of advanceMissions(sim.missions, { tick: sim.tick, owners, captures })) {
    const faction = sim.factions[mission.faction]!;
    faction.bonus += mission.bonus;
    faction.score += mission.bonus;
    faction.missionsDone++;
    for (const participant of sim.participants) {
      if (participant.active && participant.faction === mission.faction) participant.missions++;
    }
    events.push({ type: "mission-done", mission: mission.id, faction: mission.faction, bonus: mission.bonus });
  }
}

function checkEnd(sim: WarSim, events: WarEvent[]): void {
  let reason: WarEndReason | null = null;
  if (sim.factions.some((f) => f.score >= sim.settings.scoreLimit)) reason = "score-limit";
  else if (sim.tick >= sim.timeLimitTicks) reason = "time-limit";
  else if (sim.humansJoined > 0 && !sim.participants.some((p) => p.active && !p.isBot)) reason = "abandoned";
  if (reason) endWar(sim, reason, events);
}

function endWar(sim: WarSim, reason: WarEndReason, events: WarEvent[]): void {
  sim.over = true;
  sim.endReason = reason;
  events.push({ type: "war-over", reason });
}

/** Ends a war from outside the rules (the server shuts down): the standings are those of the last tick. */
export function stopWar(previous: WarSim, reason: WarEndReason): WarSim {
  if (previous.over) return previous;
  const sim = { ...previous };
  endWar(sim, reason, []);
  return sim;
}

/** Runs a war from a log of inputs keyed by tick until it is over or `maxTicks` is reached. */
export function runWar(initial: WarSim, inputsByTick: ReadonlyMap<number, readonly WarTickInput[]>, maxTicks = initial.timeLimitTicks): WarSim {
  let state = initial;
  while (!state.over && state.tick < maxTicks) {
    state = stepWar(state, inputsByTick.get(state.tick + 1) ?? []).state;
  }
  return state;
}
