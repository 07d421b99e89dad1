/**
 * The war rules as a pure function: (state, moves of one tick) → (next state, events), and seat
 * changes between ticks. No I/O, no clock; the only randomness (bot decisions) comes from a
 * generator whose state lives in the simulation state. Same seed, settings and inputs ⇒ the same
 * war, tick for tick. Steps update the state in place.
 */
import { Rng, deriveSeed } from "../../kit/random.js";
import type { WarEndReason } from "./contract.js";
import { BOT_STRATEGIES, botName, botPlayerId, decideBotMove, pickStrategy, thinkDelayTicks } from "./bots.js";
import { CAPTURE_RULES, NEUTRAL, advanceControl, controlFull } from "./capture.js";
import { areAdjacent, generateWarMap, travelTicks, type WarMap } from "./map.js";
import { advanceMissions, createMissions, type MissionSim } from "./missions.js";
import { factionOfSeat } from "./seats.js";
import type { MoveInput, ParticipantSim, SeatChange, SeatSim, WarEvent, WarSettings, WarSim, WarStepResult } from "./state.js";

export type { MoveInput, SeatChange, WarEvent, WarSettings, WarSim, WarStepResult } from "./state.js";

/** The map of a war, from its seed. */
export function warMap(seed: number, settings: Pick<WarSettings, "factions">): WarMap {
  return generateWarMap(deriveSeed(seed, "map"), settings.factions);
}

/** The map and missions of a war: what players see in the lobby, and what `createWar` starts from. */
export function warSetup(seed: number, settings: WarSettings): { map: WarMap; missions: MissionSim[] } {
  const map = warMap(seed, settings);
  return { map, missions: createMissions(deriveSeed(seed, "missions"), map, settings) };
}

/**
 * The war at the start signal: every unit on its faction's home zone, each home zone owned by its
 * faction, humans in the given seats and bots in all the others.
 */
export function createWar(seed: number, settings: WarSettings, humans: ReadonlyArray<{ seat: number; playerId: string; name: string }>): WarSim {
  const { map, missions } = warSetup(seed, settings);
  const full = controlFull(settings.tickRateHz);
  const rng = new Rng(deriveSeed(seed, "bots"));
  const humanBySeat = new Map(humans.map((h) => [h.seat, h]));
  const participants: ParticipantSim[] = [];
  const seats: SeatSim[] = [];
  for (let index = 0; index < settings.maxPlayers; index++) {
    const faction = factionOfSeat(index, settings.factions);
    const human = humanBySeat.get(index);
    participants.push(newParticipant(human ?? null, faction, index, 0, rng));
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

/** A seat's new player: the human given, or (null) the seat's bot. */
function newParticipant(human: { playerId: string; name: string } | null, faction: number, seat: number, tick: number, rng: Rng): ParticipantSim {
  const isBot = human === null;
  return {
    playerId: human?.playerId ?? botPlayerId(seat),
    name: human?.name ?? botName(seat),
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

/**
 * Advances the war by one tick, in place. The moves apply in the order given (as they arrived);
 * then bots decide, walkers arrive, control shifts in every zone, owners score, missions advance,
 * and the end conditions are checked.
 */
export function stepWar(sim: WarSim, moves: readonly MoveInput[]): WarStepResult {
  if (sim.over) return { state: sim, events: [] };
  sim.tick++;
  const events: WarEvent[] = [];
  const rng = new Rng(sim.rng);

  for (const move of moves) {
    const reason = checkMove(sim, move.seat, move.to);
    if (reason) events.push({ type: "input-ignored", input: move, reason });
    else startWalk(sim, sim.seats[move.seat]!, move.to, events);
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

/** Why a seat change cannot happen now, or null. */
export function checkSeatChange(sim: WarSim, change: SeatChange): string | null {
  const seat = sim.seats[change.seat];
  if (!seat) return `no seat ${change.seat}`;
  const isBot = change.human === null;
  if (isBot === sim.participants[seat.occupant]!.isBot) return isBot ? `seat ${change.seat} is already played by its bot` : `seat ${change.seat} is held by a human`;
  const id = change.human?.playerId ?? botPlayerId(change.seat);
  const holder = sim.participants.find((p) => p.playerId === id && p.active);
  return holder ? `player ${id} already holds seat ${holder.seat}` : null;
}

/**
 * Hands a seat to a human or back to its bot, now (between ticks), in place; the reason why not, or
 * null. The unit stays where it is, walking or not: nobody teleports. A player who held a seat
 * before comes back as the same participant. The seat's next decision is at the next tick.
 */
export function changeSeat(sim: WarSim, change: SeatChange, events: WarEvent[] = []): string | null {
  const reason = checkSeatChange(sim, change);
  if (reason) return reason;
  const seat = sim.seats[change.seat]!;
  const current = sim.participants[seat.occupant]!;
  const id = change.human?.playerId ?? botPlayerId(change.seat);
  current.active = false;
  current.leftTick = sim.tick;
  let index = sim.participants.findIndex((p) => p.playerId === id);
  if (index < 0) {
    const rng = new Rng(sim.rng);
    sim.participants.push(newParticipant(change.human, seat.faction, change.seat, sim.tick, rng));
    sim.rng = rng.current;
    index = sim.participants.length - 1;
  } else {
    const returning = sim.participants[index]!;
    Object.assign(returning, { active: true, leftTick: null, faction: seat.faction, seat: change.seat });
    if (change.human) returning.name = change.human.name;
  }
  if (change.human) sim.humansJoined++;
  seat.occupant = index;
  seat.nextThinkTick = sim.tick + 1;
  events.push({ type: "seat-taken", seat: change.seat, playerId: id, isBot: change.human === null });
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

/** Ends a war from outside the rules (the server shuts down), in place: the standings are those of the last tick. */
export function stopWar(sim: WarSim, reason: WarEndReason, events: WarEvent[] = []): WarSim {
  if (!sim.over) endWar(sim, reason, events);
  return sim;
}
