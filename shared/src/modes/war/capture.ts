/**
 * Zone control, pure. Control is an integer count of "control points" so it replays exactly:
 * a one-unit majority adds 2 points a tick, each extra unit of majority one more (up to a cap),
 * and a zone is captured at `controlFull` = 2 × captureSeconds × tick rate points, i.e. a lone
 * player takes a neutral zone in `captureSeconds`.
 */

export const CAPTURE_RULES = {
  /** Seconds a one-unit majority needs to take a neutral zone. */
  captureSeconds: 6,
  /** Majorities above this count as this (so a blob of twelve is not instant). */
  maxMargin: 4,
  /** Points per owned zone per second. */
  pointsPerZoneSecond: 1,
} as const;

export const NEUTRAL = -1;

export interface ZoneControl {
  /** Owning faction index, NEUTRAL when none. The owner keeps the zone until its control is gone. */
  owner: number;
  /** Faction whose control points are on the zone; NEUTRAL when there are none. */
  controlFaction: number;
  /** 0..controlFull. */
  control: number;
  /** The top factions tie: nothing moves. */
  contested: boolean;
}

export type ControlChange =
  | { kind: "captured"; faction: number; previousOwner: number }
  | { kind: "neutralized"; faction: number; by: number };

export interface ControlStep {
  zone: ZoneControl;
  /** The faction whose control advanced (or whose rival's control shrank) this tick; NEUTRAL if none. */
  advancing: number;
  changes: ControlChange[];
}

export function controlFull(tickRateHz: number): number {
  return 2 * CAPTURE_RULES.captureSeconds * tickRateHz;
}

/** Control points a majority of `margin` units moves per tick. */
export function captureGain(margin: number): number {
  return Math.min(margin, CAPTURE_RULES.maxMargin) + 1;
}

/**
 * One tick of one zone: control shifts toward the faction with the most units present, faster for a
 * bigger majority. A rival's control is worn down to zero first (neutralizing an owned zone), then
 * the leader's builds up; at full control the leader owns the zone. Ties among the top factions and
 * empty zones change nothing.
 */
export function advanceControl(zone: ZoneControl, presence: readonly number[], full: number): ControlStep {
  let top = 0;
  let second = 0;
  let leader = NEUTRAL;
  presence.forEach((count, faction) => {
    if (count > top) {
      second = top;
      top = count;
      leader = faction;
    } else if (count > second) {
      second = count;
    }
  });
  const contested = top > 0 && top === second;
  if (top === 0 || contested) return { zone: { ...zone, contested }, advancing: NEUTRAL, changes: [] };

  const gain = captureGain(top - second);
  const next: ZoneControl = { ...zone, contested: false };
  const changes: ControlChange[] = [];
  if (next.controlFaction !== leader && next.controlFaction !== NEUTRAL) {
    next.control -= gain;
    if (next.control > 0) return { zone: next, advancing: leader, changes };
    if (next.owner !== NEUTRAL) changes.push({ kind: "neutralized", faction: next.owner, by: leader });
    // what is left of this tick's gain starts the leader's own control
    next.owner = NEUTRAL;
    next.controlFaction = leader;
    next.control = Math.min(full, -next.control);
  } else {
    if (next.control >= full && next.owner === leader) return { zone: next, advancing: NEUTRAL, changes };
    next.controlFaction = leader;
    next.control = Math.min(full, next.control + gain);
  }
  if (next.control >= full && next.owner !== leader) {
    changes.push({ kind: "captured", faction: leader, previousOwner: next.owner });
    next.owner = leader;
  }
  return { zone: next, advancing: leader, changes };
}
