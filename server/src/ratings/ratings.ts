/**
 * Skill ratings (Weng-Lin, openskill's Plackett-Luce model), pure: the ratings before a match and
 * its standings give the ratings after, with no I/O and no clock, so the results store and the
 * replay run the same function and must agree to the last bit.
 */
import { ordinal, rate } from "openskill";

/** A player's skill belief: mean and uncertainty. */
export interface SkillRating {
  mu: number;
  sigma: number;
}

/** openskill's defaults: a new player is 25 ± 8.33, shown as an ordinal of 0. */
export const INITIAL_RATING: Readonly<SkillRating> = Object.freeze({ mu: 25, sigma: 25 / 3 });

/**
 * Uncertainty added (in quadrature) when a rating is carried into a new season: half the initial
 * sigma. A settled player (sigma ≈ 2) starts the season at ≈ 4.6, so the season board starts
 * low for everyone and a returning player climbs back within a few matches, while the carried mu
 * still pairs them with players of their level.
 */
export const SEASON_SIGMA_WIDENING = INITIAL_RATING.sigma / 2;

/** What the rating update needs of one standing (a Standing or a stored participant). */
export interface RatedStanding {
  playerId: string;
  isBot: boolean;
  /** 1-based; ties share a placement. */
  placement: number;
  /** Left before the end: counts as last. */
  leftEarly: boolean;
  /** Players of one team (a war faction) win and lose together; null or absent: on their own. */
  team?: string | null;
}

export interface RatingChange {
  playerId: string;
  team: string | null;
  before: SkillRating;
  after: SkillRating;
}

/** The conservative estimate shown to players and ranked by: mu − 3 sigma. */
export function ordinalOf(rating: SkillRating): number {
  return ordinal(rating);
}

/** The first rating of a season: the last season's, uncertainty widened; a newcomer's default. */
export function seasonSeed(previous: SkillRating | undefined): SkillRating {
  if (!previous) return { ...INITIAL_RATING };
  const sigma = Math.min(INITIAL_RATING.sigma, Math.hypot(previous.sigma, SEASON_SIGMA_WIDENING));
  return { mu: previous.mu, sigma };
}

interface Side {
  rank: number;
  members: RatedStanding[];
}

const byId = (a: RatedStanding, b: RatedStanding) => (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0);

/**
 * The sides of a match as the rating sees them: humans only (bots are neither rated nor opponents),
 * grouped by team where the mode has teams, each leaver alone and tied last. Sorted canonically so
 * the result does not depend on the order of the standings.
 */
export function ratingSides(standings: readonly RatedStanding[]): Side[] {
  const humans = standings.filter((s) => !s.isBot);
  const stayed = humans.filter((s) => !s.leftEarly);
  const groups = new Map<string, RatedStanding[]>();
  for (const s of stayed) {
    const key = s.team == null ? `player:${s.playerId}` : `team:${s.team}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const sides: Side[] = [...groups.values()].map((members) => ({ rank: Math.min(...members.map((m) => m.placement)), members }));
  const last = Math.max(0, ...sides.map((s) => s.rank)) + 1;
  for (const leaver of humans.filter((s) => s.leftEarly)) sides.push({ rank: last, members: [leaver] });
  for (const side of sides) side.members.sort(byId);
  return sides.sort((a, b) => a.rank - b.rank || byId(a.members[0]!, b.members[0]!));
}

/** The players whose rating a match changes: none for an aborted match or one with fewer than two sides. */
export function ratedPlayers(match: { status: string; standings: readonly RatedStanding[] }): RatedStanding[] {
  if (match.status !== "completed") return [];
  const sides = ratingSides(match.standings);
  return sides.length < 2 ? [] : sides.flatMap((s) => s.members);
}

/**
 * The rating changes of one match: every rated player's rating before (from `before`) and after.
 * Empty when the match changes no rating (aborted, or fewer than two human sides).
 */
export function rateMatch(
  match: { status: string; standings: readonly RatedStanding[] },
  before: (playerId: string) => SkillRating,
): RatingChange[] {
  if (match.status !== "completed") return [];
  const sides = ratingSides(match.standings);
  if (sides.length < 2) return [];
  const teams = sides.map((side) => side.members.map((m) => ({ ...before(m.playerId) })));
  const after = rate(teams, { rank: sides.map((s) => s.rank) });
  return sides.flatMap((side, i) =>
    side.members.map((member, j) => {
      const was = teams[i]![j]!;
      const now = after[i]![j]!;
      return { playerId: member.playerId, team: member.team ?? null, before: { mu: was.mu, sigma: was.sigma }, after: { mu: now.mu, sigma: now.sigma } };
    }),
  );
}
