/**
 * The war's simulation state and events, as plain data (a replay viewer clones it to seek). Types
 * only: the simulation, the bots and the scoring all read it, and none of them imports another for it.
 */
import type { ZoneControl } from "./capture.js";
import type { WarEndReason } from "./contract.js";
import type { WarMap } from "./map.js";
import type { MissionSim } from "./missions.js";

/** Settings a war is played with; stored with the match. */
export interface WarSettings {
  factions: number;
  /** Seats, humans and bots together; seat s belongs to faction s % factions. */
  maxPlayers: number;
  scoreLimit: number;
  timeLimitS: number;
  tickRateHz: number;
}

/** A human in a seat: walk to an adjacent zone (applied at the next tick). */
export interface MoveInput {
  seat: number;
  to: number;
}

/** A seat changes hands: to a human (`playerId`, `name`), or back to its bot (null). */
export interface SeatChange {
  seat: number;
  human: { playerId: string; name: string } | null;
}

export type BotStrategy = "raider" | "defender" | "objective";

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
  name: string;
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
  | { type: "input-ignored"; input: MoveInput; reason: string }
  | { type: "seat-taken"; seat: number; playerId: string; isBot: boolean }
  | { type: "captured"; zone: number; faction: number; previousOwner: number }
  | { type: "neutralized"; zone: number; faction: number; by: number }
  | { type: "mission-done"; mission: number; faction: number; bonus: number }
  | { type: "war-over"; reason: WarEndReason };

export interface WarStepResult {
  state: WarSim;
  events: WarEvent[];
}
