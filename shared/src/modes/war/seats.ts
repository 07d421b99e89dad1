/**
 * Seats: a war has a fixed number of seats, split evenly between the factions (seat s belongs to
 * faction s % factions). Humans take seats no human holds; bots play every seat no human holds.
 */
import { WAR_FACTION_IDS } from "./contract.js";

export function factionOfSeat(seat: number, factions: number): number {
  return seat % factions;
}

/** The faction index a player's join options wish for, or null (none, or not a faction of this war). */
export function wishedFaction(options: unknown, factions: number): number | null {
  const wish = typeof options === "object" && options !== null ? (options as { faction?: unknown }).faction : undefined;
  const index = WAR_FACTION_IDS.findIndex((id) => id === wish);
  return index >= 0 && index < factions ? index : null;
}

/**
 * Picks a seat for a joining human among the `free` ones (no human holds them: empty in the lobby,
 * a bot's in the match); `taken` are the seats humans hold. The requested faction wins if it has a
 * free seat; otherwise (or with no request) the faction with the fewest humans, ties to the first.
 * Null when no seat is free.
 */
export function chooseSeat(free: readonly number[], taken: ReadonlyArray<{ seat: number }>, factions: number, requested: number | null): number | null {
  const freeSeat = (faction: number) => free.filter((seat) => factionOfSeat(seat, factions) === faction).sort((a, b) => a - b)[0];
  if (requested !== null) {
    const seat = freeSeat(requested);
    if (seat !== undefined) return seat;
  }
  const humansIn = (faction: number) => taken.filter(({ seat }) => factionOfSeat(seat, factions) === faction).length;
  let best: number | null = null;
  let fewest = Infinity;
  for (let faction = 0; faction < factions; faction++) {
    const seat = freeSeat(faction);
    const humans = humansIn(faction);
    if (seat !== undefined && humans < fewest) {
      best = seat;
      fewest = humans;
    }
  }
  return best;
}
