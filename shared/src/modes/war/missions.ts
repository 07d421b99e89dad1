/**
 * Missions: seeded objectives per faction, worth bonus points. Pure: generated from the seed and
 * map, advanced from the zones' state each tick.
 */
import { Rng } from "../../kit/random.js";
import type { WarMissionKind } from "./contract.js";
import type { WarMap } from "./map.js";

export const MISSION_RULES = {
  /** A hold mission asks for this share of the time limit, within the bounds below (seconds). */
  holdShareOfTimeLimit: 0.15,
  minHoldSeconds: 3,
  maxHoldSeconds: 60,
  /** Bonus points as a share of the score limit, so missions matter as much in short and long matches. */
  bonusShareOfScoreLimit: { capture: 0.06, hold: 0.08, dominate: 0.1 } satisfies Record<WarMissionKind, number>,
  minBonus: 2,
} as const;

export interface MissionSim {
  id: number;
  faction: number;
  kind: WarMissionKind;
  /** The zone to capture or hold; -1 for dominate. */
  zone: number;
  /** Ticks to hold, zones to own at once, or 1 capture. */
  target: number;
  progress: number;
  bonus: number;
  done: boolean;
  completedTick: number | null;
}

export interface MissionSettings {
  factions: number;
  scoreLimit: number;
  timeLimitS: number;
  tickRateHz: number;
}

/** Zones a faction must own at once for "dominate": a majority of the map for two factions, a plurality-plus-one for three. */
export function dominateTarget(zoneCount: number, factions: number): number {
  return Math.floor(zoneCount / factions) + 1;
}

export function holdSeconds(timeLimitS: number): number {
  const seconds = Math.round(timeLimitS * MISSION_RULES.holdShareOfTimeLimit);
  return Math.min(MISSION_RULES.maxHoldSeconds, Math.max(MISSION_RULES.minHoldSeconds, seconds));
}

/**
 * Three missions per faction: capture one neutral zone, hold another (in total, not necessarily
 * at a stretch), and own a majority of the map at once. Target zones are drawn from the zones
 * nobody starts with, so every faction's missions start from the same footing.
 */
export function createMissions(seed: number, map: WarMap, settings: MissionSettings): MissionSim[] {
  const rng = new Rng(seed);
  const neutral = map.zones.map((z) => z.id).filter((id) => !map.homes.includes(id));
  const bonus = (kind: WarMissionKind) =>
    Math.max(MISSION_RULES.minBonus, Math.round(settings.scoreLimit * MISSION_RULES.bonusShareOfScoreLimit[kind]));
  const missions: MissionSim[] = [];
  const add = (faction: number, kind: WarMissionKind, zone: number, target: number) =>
    missions.push({ id: missions.length, faction, kind, zone, target, progress: 0, bonus: bonus(kind), done: false, completedTick: null });

  for (let faction = 0; faction < settings.factions; faction++) {
    const [captureZone, holdZone] = rng.shuffle(neutral);
    add(faction, "capture", captureZone!, 1);
    add(faction, "hold", holdZone!, holdSeconds(settings.timeLimitS) * settings.tickRateHz);
    add(faction, "dominate", -1, dominateTarget(map.zones.length, settings.factions));
  }
  return missions;
}

/** What advancing missions needs to know about the tick that just happened. */
export interface MissionTick {
  tick: number;
  /** Owner of each zone after this tick (faction index, -1 neutral). */
  owners: readonly number[];
  /** Captures that happened this tick. */
  captures: ReadonlyArray<{ zone: number; faction: number }>;
}

/** Advances every open mission in place and returns the ones completed this tick. */
export function advanceMissions(missions: MissionSim[], tick: MissionTick): MissionSim[] {
  const completed: MissionSim[] = [];
  for (const mission of missions) {
    if (mission.done) continue;
    switch (mission.kind) {
      case "capture":
        if (tick.captures.some((c) => c.zone === mission.zone && c.faction === mission.faction)) mission.progress = 1;
        break;
      case "hold":
        if (tick.owners[mission.zone] === mission.faction) mission.progress++;
        break;
      case "dominate":
        mission.progress = tick.owners.filter((owner) => owner === mission.faction).length;
        break;
    }
    if (mission.progress >= mission.target) {
      mission.done = true;
      mission.completedTick = tick.tick;
      completed.push(mission);
    }
  }
  return completed;
}

/** A line for players, e.g. "Hold Delta for 30 s". */
export function describeMission(mission: MissionSim, map: WarMap, tickRateHz: number): string {
  const zone = map.zones[mission.zone]?.name ?? "";
  switch (mission.kind) {
    case "capture":
      return `Capture ${zone}`;
    case "hold":
      return `Hold ${zone} for ${Math.round(mission.target / tickRateHz)} s`;
    case "dominate":
      return `Hold ${mission.target} zones at once`;
  }
}

/** Progress as players read it: seconds for hold, zones or 0/1 otherwise. */
export function missionProgressForDisplay(mission: MissionSim, tickRateHz: number): { progress: number; target: number } {
  if (mission.kind === "hold") {
    return { progress: Math.floor(mission.progress / tickRateHz), target: Math.round(mission.target / tickRateHz) };
  }
  return { progress: mission.progress, target: mission.target };
}
