/**
 * The queue's grouping decision, pure: who waits, since when, at what rating, and the match a group
 * fills go in; the groups to send into match rooms come out. No clock (the time is an argument), no
 * I/O, so it is tested with a fake clock and the benchmark runs it on simulated arrivals.
 *
 * An entry is a player queueing alone or a whole party: it is never split, and in modes with teams
 * it lands in one team. Groups form around the longest-waiting entry (the anchor): the rating band
 * it accepts widens with its wait, and the entries closest to its rating fill the group.
 */

export interface QueueEntry {
  id: string;
  /** The rating grouped by: a player's ordinal, a party's mean plus a margin. */
  rating: number;
  /** Players in the entry (1, or a party's members). */
  size: number;
  /** When the entry started waiting (ms, any monotonic origin). */
  queuedAt: number;
}

/** The match a group fills, from the mode and its join options. */
export interface GroupShape {
  /** Players in a full match. */
  seats: number;
  /** 1: everyone on their own; n: the seats split evenly into n teams. */
  teams: number;
  /** Fewest humans that make a match once a group has waited `fillAfterMs` (bots take the other seats where the mode has them). */
  minHumans: number;
}

/** How the accepted rating difference widens with waiting, and when a group goes short. */
export interface BandPolicy {
  /** Rating difference accepted inside a group at once. */
  base: number;
  /** Added per second the anchor has waited. */
  perSecond: number;
  /** The widest it gets. */
  max: number;
  /** After this wait a group that is not full goes anyway, if it has `minHumans`. */
  fillAfterMs: number;
}

export interface FormedGroup {
  /** The entries, each with its team (0 in modes without teams). */
  members: Array<{ id: string; team: number }>;
  /** Players in the group. */
  players: number;
  /** Highest minus lowest rating inside the group. */
  spread: number;
  /** False: a short group sent after waiting too long (bots fill the free seats, or the match runs short). */
  full: boolean;
}

/** The rating difference an entry that has waited `waitedMs` accepts. */
export function bandAt(waitedMs: number, policy: BandPolicy): number {
  return Math.min(policy.max, policy.base + (policy.perSecond * Math.max(0, waitedMs)) / 1000);
}

/** Players per team. */
export function teamSize(shape: GroupShape): number {
  return shape.seats / Math.max(1, shape.teams);
}

/** Whether an entry of `size` players can ever join a match of this shape. */
export function fits(size: number, shape: GroupShape): boolean {
  return size >= 1 && size <= (shape.teams > 1 ? teamSize(shape) : shape.seats);
}

/**
 * Forms every group that is ready at `now` out of the waiting entries; entries not placed keep
 * waiting. Oldest anchors go first, so the longest wait is served first.
 */
export function formGroups(entries: readonly QueueEntry[], shape: GroupShape, policy: BandPolicy, now: number): FormedGroup[] {
  const byRating = entries.filter((e) => fits(e.size, shape)).sort((a, b) => a.rating - b.rating || a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : 1));
  const position = new Map(byRating.map((e, i) => [e.id, i]));
  const anchors = [...byRating].sort((a, b) => a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : 1));
  const taken = new Set<string>();
  const groups: FormedGroup[] = [];
  for (const anchor of anchors) {
    if (taken.has(anchor.id)) continue;
    const band = bandAt(now - anchor.queuedAt, policy);
    const picked = pickAround(byRating, position.get(anchor.id)!, band, shape, taken);
    const players = picked.entries.reduce((n, e) => n + e.size, 0);
    const full = players === shape.seats;
    const waitedEnough = now - anchor.queuedAt >= policy.fillAfterMs;
    if (!full && !(waitedEnough && players >= shape.minHumans)) continue;
    for (const e of picked.entries) taken.add(e.id);
    const ratings = picked.entries.map((e) => e.rating);
    groups.push({
      members: picked.entries.map((e, i) => ({ id: e.id, team: picked.teams[i]! })),
      players,
      spread: Math.max(...ratings) - Math.min(...ratings),
      full,
    });
  }
  return groups;
}

/**
 * Takes the anchor and then, nearest rating first, the free entries that keep the group's spread
 * within `band`, fit the seats left and (with teams) still pack into whole teams.
 */
function pickAround(byRating: readonly QueueEntry[], at: number, band: number, shape: GroupShape, taken: ReadonlySet<string>) {
  const anchor = byRating[at]!;
  const entries: QueueEntry[] = [anchor];
  let teams = packTeams(entries, shape)!;
  let players = anchor.size;
  let low = anchor.rating;
  let high = anchor.rating;
  let down = at - 1;
  let up = at + 1;
  while (players < shape.seats) {
    // the next candidate is the free entry nearest the anchor's rating, on either side
    while (down >= 0 && taken.has(byRating[down]!.id)) down--;
    while (up < byRating.length && taken.has(byRating[up]!.id)) up++;
    const below = byRating[down];
    const above = byRating[up];
    if (!below && !above) break;
    const useBelow = below !== undefined && (above === undefined || anchor.rating - below.rating <= above.rating - anchor.rating);
    const next = useBelow ? below! : above!;
    if (useBelow) down--;
    else up++;
    const nextLow = Math.min(low, next.rating);
    const nextHigh = Math.max(high, next.rating);
    // nearer candidates on this side are all taken or tried: a farther one cannot narrow the spread
    if (nextHigh - nextLow > band) {
      if (useBelow) down = -1;
      else up = byRating.length;
      continue;
    }
    if (players + next.size > shape.seats) continue;
    const packed = packTeams([...entries, next], shape);
    if (!packed) continue;
    entries.push(next);
    teams = packed;
    players += next.size;
    low = nextLow;
    high = nextHigh;
  }
  return { entries, teams };
}

/**
 * The team of each entry (in the order given) so that no team holds more than its share of seats,
 * the larger entries placed first and each into the team with the lowest rating so far (teams come
 * out balanced); null when the entries cannot be packed. Backtracks: there are at most a dozen entries.
 */
export function packTeams(entries: readonly QueueEntry[], shape: GroupShape): number[] | null {
  if (shape.teams <= 1) return entries.map(() => 0);
  const capacity = teamSize(shape);
  const order = entries.map((_, i) => i).sort((a, b) => entries[b]!.size - entries[a]!.size || entries[b]!.rating - entries[a]!.rating || a - b);
  const room = new Array<number>(shape.teams).fill(capacity);
  const strength = new Array<number>(shape.teams).fill(0);
  const team = new Array<number>(entries.length).fill(-1);
  const place = (k: number): boolean => {
    if (k === order.length) return true;
    const i = order[k]!;
    const { size, rating } = entries[i]!;
    const choices = room
      .map((_, t) => t)
      .filter((t) => room[t]! >= size)
      .sort((a, b) => strength[a]! - strength[b]! || room[b]! - room[a]! || a - b);
    const tried = new Set<string>();
    for (const t of choices) {
      // two teams in the same condition are interchangeable: trying both only repeats the search
      const condition = `${room[t]}|${strength[t]}`;
      if (tried.has(condition)) continue;
      tried.add(condition);
      room[t]! -= size;
      strength[t]! += rating * size;
      team[i] = t;
      if (place(k + 1)) return true;
      room[t]! += size;
      strength[t]! -= rating * size;
    }
    return false;
  };
  return place(0) ? team : null;
}

/** The rating a party is grouped by: its members' mean, plus a margin per extra member (playing together is worth something). */
export function partyRating(ratings: readonly number[], marginPerMember: number): number {
  if (ratings.length === 0) return 0;
  const mean = ratings.reduce((a, b) => a + b, 0) / ratings.length;
  return mean + marginPerMember * (ratings.length - 1);
}
