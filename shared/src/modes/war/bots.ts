/**
 * AI companions: server-driven players in the seats no human holds. Their decisions are part of the
 * pure step and draw from the simulation's own random state, so a replay makes the same decisions.
 */
import type { Rng } from "../../kit/random.js";
import { nextHop } from "./map.js";
import type { BotStrategy, SeatSim, WarSim } from "./state.js";

export type { BotStrategy };
export const BOT_STRATEGIES: readonly BotStrategy[] = ["raider", "defender", "objective"];

export const BOT_RULES = {
  /** A bot standing still reconsiders after a delay drawn from this range, in seconds. */
  minThinkSeconds: 0.4,
  maxThinkSeconds: 1.2,
  /** Chance, at each decision, that a bot in a tied zone stays rather than tries elsewhere. */
  holdOnWhenTied: 0.8,
  /** The same for a bot that is outnumbered where it stands. */
  holdOnWhenOutnumbered: 0.5,
} as const;

const CALLSIGNS = ["Kestrel", "Falcon", "Osprey", "Merlin", "Harrier", "Condor", "Raven", "Heron", "Swift", "Ibis", "Crane", "Egret"];

/**
 * The bot of a seat has the same player id in every match, from a fixed pool of one per seat, so the
 * `players` table holds a dozen bot rows however many matches are played.
 */
export function botPlayerId(seat: number): string {
  return `b0700000-0000-4000-8000-${(seat + 1).toString(16).padStart(12, "0")}`;
}

export function botName(seat: number): string {
  return `${CALLSIGNS[seat % CALLSIGNS.length]} (bot)`;
}

export function isBotPlayerId(playerId: string): boolean {
  return playerId.startsWith("b0700000-0000-4000-8000-");
}

export function pickStrategy(rng: Rng): BotStrategy {
  return rng.pick(BOT_STRATEGIES);
}

export function thinkDelayTicks(rng: Rng, tickRateHz: number): number {
  const seconds = BOT_RULES.minThinkSeconds + rng.float() * (BOT_RULES.maxThinkSeconds - BOT_RULES.minThinkSeconds);
  return Math.max(1, Math.round(seconds * tickRateHz));
}

/**
 * Where the bot in an idle seat walks next: an adjacent zone, or null to stay. A bot stays while its
 * side is winning a zone that is not secured yet (capturing or defending it), mostly stays in a
 * standoff or a losing fight (sometimes it gives up and moves on); otherwise it heads for its strategy's
 * target: raiders for the nearest zone its faction does not own, defenders for the nearest own zone
 * under threat, objective players for their faction's open mission zones. Without a target of their
 * own, defenders and objective players raid.
 */
export function decideBotMove(sim: WarSim, seat: SeatSim, strategy: BotStrategy, rng: Rng): number | null {
  const faction = seat.faction;
  const here = sim.zones[seat.zone];
  if (!here) return null;
  const ours = here.presence[faction] ?? 0;
  const rivals = Math.max(0, ...here.presence.filter((_, f) => f !== faction));
  if (rivals > 0 || !isSecured(sim, seat.zone, faction)) {
    // winning here: stay; a standoff or a losing fight: mostly hold on, sometimes try elsewhere
    if (ours > rivals) return null;
    const holdOn = ours === rivals ? BOT_RULES.holdOnWhenTied : BOT_RULES.holdOnWhenOutnumbered;
    if (rng.float() < holdOn) return null;
  }

  const target =
    (strategy === "defender" ? nearest(sim, seat.zone, rng, (zone) => isThreatened(sim, zone, faction)) : null) ??
    (strategy === "objective" ? nearest(sim, seat.zone, rng, (zone) => isOpenMissionZone(sim, zone, faction)) : null) ??
    nearest(sim, seat.zone, rng, (zone) => !isSecured(sim, zone, faction));
  if (target === null) return null;
  const step = nextHop(sim.map, seat.zone, target);
  return step === seat.zone ? null : step;
}

function isSecured(sim: WarSim, zone: number, faction: number): boolean {
  const z = sim.zones[zone]!;
  return z.owner === faction && z.controlFaction === faction && z.control >= sim.controlFull;
}

function isThreatened(sim: WarSim, zone: number, faction: number): boolean {
  const z = sim.zones[zone]!;
  return z.owner === faction && (z.control < sim.controlFull || z.presence.some((count, f) => f !== faction && count > 0));
}

function isOpenMissionZone(sim: WarSim, zone: number, faction: number): boolean {
  return sim.missions.some((m) => !m.done && m.faction === faction && m.zone === zone) && !isSecured(sim, zone, faction);
}

/** The nearest zone (by roads) that matches, ties broken by the seeded random state; null if none. */
function nearest(sim: WarSim, from: number, rng: Rng, matches: (zone: number) => boolean): number | null {
  let best: number[] = [];
  let bestHops = Infinity;
  for (const zone of sim.map.zones) {
    if (zone.id === from || !matches(zone.id)) continue;
    const hops = sim.map.hops[from]![zone.id]!;
    if (hops < bestHops) {
      best = [zone.id];
      bestHops = hops;
    } else if (hops === bestHops) {
      best.push(zone.id);
    }
  }
  return best.length === 0 ? null : best.length === 1 ? best[0]! : rng.pick(best);
}
