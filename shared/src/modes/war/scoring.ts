/**
 * Standings of a finished war, pure: faction placements, every participant's contribution and
 * reputation change. The room stores exactly this, and replay recomputes exactly this.
 */
import { WAR_FACTIONS, type WarEndReason, type WarFactionId, type WarFactionResult } from "./contract.js";
import type { ParticipantSim, WarSim } from "./state.js";

export const REPUTATION_RULES = {
  win: 20,
  /** Sharing first place with another faction. */
  draw: 5,
  /** Last place; places in between (three factions) get 0. */
  loss: -10,
  /** A human who left before the end, whatever the outcome. */
  leftEarly: -15,
  /** One reputation point per this many contribution points, up to `maxContributionBonus`. */
  contributionPerPoint: 25,
  maxContributionBonus: 10,
} as const;

export const CONTRIBUTION_RULES = {
  perCapture: 10,
  perMission: 10,
  perCaptureSecond: 2,
  perHoldSecond: 1,
} as const;

/** What players are told about a faction, plus where its points came from. */
export interface FactionStanding extends WarFactionResult {
  holdPoints: number;
  bonusPoints: number;
}

export interface ParticipantStanding {
  playerId: string;
  name: string;
  isBot: boolean;
  faction: WarFactionId;
  seat: number;
  placement: number;
  /** Contribution points. */
  score: number;
  captures: number;
  captureSeconds: number;
  holdSeconds: number;
  missions: number;
  joinedTick: number;
  leftTick: number | null;
  leftEarly: boolean;
  reputationDelta: number;
}

export interface WarStandings {
  reason: WarEndReason;
  ticks: number;
  /** The faction placed first alone; null for a draw. */
  winner: WarFactionId | null;
  factions: FactionStanding[];
  participants: ParticipantStanding[];
}

export function factionId(index: number): WarFactionId {
  return WAR_FACTIONS[index]!.id;
}

/** Competition ranking: equal scores share a placement, the next placement skips (1, 1, 3). */
export function placements(scores: readonly number[]): number[] {
  return scores.map((score) => 1 + scores.filter((other) => other > score).length);
}

export function contribution(participant: ParticipantSim, tickRateHz: number): number {
  return (
    participant.captures * CONTRIBUTION_RULES.perCapture +
    participant.missions * CONTRIBUTION_RULES.perMission +
    Math.floor(participant.captureTicks / tickRateHz) * CONTRIBUTION_RULES.perCaptureSecond +
    Math.floor(participant.holdTicks / tickRateHz) * CONTRIBUTION_RULES.perHoldSecond
  );
}

/**
 * Bots 0. A human who left early loses `leftEarly`. Otherwise the outcome (win, shared first place,
 * last place) plus a bonus for contribution, so a loser who fought hard can break even.
 */
export function reputationDelta(
  participant: { isBot: boolean; leftEarly: boolean },
  placement: number,
  factionPlacements: readonly number[],
  contributionPoints: number,
): number {
  if (participant.isBot) return 0;
  if (participant.leftEarly) return REPUTATION_RULES.leftEarly;
  const sharedFirst = factionPlacements.filter((p) => p === 1).length > 1;
  const last = Math.max(...factionPlacements);
  const outcome =
    placement === 1 ? (sharedFirst ? REPUTATION_RULES.draw : REPUTATION_RULES.win) : placement === last ? REPUTATION_RULES.loss : 0;
  const bonus = Math.min(REPUTATION_RULES.maxContributionBonus, Math.floor(contributionPoints / REPUTATION_RULES.contributionPerPoint));
  return outcome + bonus;
}

/** Code-unit order, the same everywhere (unlike localeCompare). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The standings of a war that is over. */
export function warStandings(sim: WarSim): WarStandings {
  const hz = sim.settings.tickRateHz;
  const ranks = placements(sim.factions.map((f) => f.score));
  const factions: FactionStanding[] = sim.factions.map((f, index) => ({
    faction: factionId(index),
    placement: ranks[index]!,
    score: f.score,
    zonesHeld: f.zonesHeld,
    captures: f.captures,
    missionsDone: f.missionsDone,
    holdPoints: f.score - f.bonus,
    bonusPoints: f.bonus,
  }));
  const participants = sim.participants.map((p): ParticipantStanding => {
    const placement = ranks[p.faction]!;
    const points = contribution(p, hz);
    const leftEarly = !p.isBot && !p.active;
    return {
      playerId: p.playerId,
      name: p.name,
      isBot: p.isBot,
      faction: factionId(p.faction),
      seat: p.seat,
      placement,
      score: points,
      captures: p.captures,
      captureSeconds: Math.floor(p.captureTicks / hz),
      holdSeconds: Math.floor(p.holdTicks / hz),
      missions: p.missions,
      joinedTick: p.joinedTick,
      leftTick: p.leftTick,
      leftEarly,
      reputationDelta: reputationDelta({ isBot: p.isBot, leftEarly }, placement, ranks, points),
    };
  });
  const firsts = factions.filter((f) => f.placement === 1);
  return {
    reason: sim.endReason ?? "time-limit",
    ticks: sim.tick,
    winner: firsts.length === 1 ? firsts[0]!.faction : null,
    factions: factions.slice().sort((a, b) => a.placement - b.placement || compareText(a.faction, b.faction)),
    participants: participants.sort((a, b) => a.placement - b.placement || b.score - a.score || a.seat - b.seat || compareText(a.playerId, b.playerId)),
  };
}
