/**
 * Seats: a war has a fixed number of seats, split evenly between the factions (seat s belongs to
 * faction s % factions). Humans take free seats; bots play every seat no human holds.
 */

export function factionOfSeat(seat: number, factions: number): number {
  return seat % factions;
}

export interface SeatChoice {
  seat: number;
  faction: number;
  /** The requested faction had no seat left, so the player was placed elsewhere. */
  fellBack: boolean;
}

/**
 * Picks a seat for a joining human. `humanHolders[s]` is whoever holds seat s, null if no human does
 * (an empty seat in the lobby, a bot's seat in the match). The requested faction wins if it has such
 * a seat; otherwise (or with no request) the faction with the fewest humans, ties to the first.
 * Null when every seat is held by a human.
 */
export function chooseSeat(humanHolders: ReadonlyArray<string | null>, factions: number, requested: number | null): SeatChoice | null {
  const freeSeat = (faction: number) =>
    humanHolders.findIndex((holder, seat) => holder === null && factionOfSeat(seat, factions) === faction);
  if (requested !== null) {
    const seat = freeSeat(requested);
    if (seat >= 0) return { seat, faction: requested, fellBack: false };
  }
  const humansIn = (faction: number) =>
    humanHolders.filter((holder, seat) => holder !== null && factionOfSeat(seat, factions) === faction).length;
  let best: SeatChoice | null = null;
  let fewest = Infinity;
  for (let faction = 0; faction < factions; faction++) {
    const seat = freeSeat(faction);
    const humans = humansIn(faction);
    if (seat >= 0 && humans < fewest) {
      best = { seat, faction, fellBack: requested !== null };
      fewest = humans;
    }
  }
  return best;
}
