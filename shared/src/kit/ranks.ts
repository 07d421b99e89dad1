/** Reputation tiers, lowest first. A player's rank is derived from reputation, never stored. */
export const RANKS = [
  { name: "bronze", minReputation: 0 },
  { name: "silver", minReputation: 100 },
  { name: "gold", minReputation: 250 },
  { name: "platinum", minReputation: 500 },
  { name: "diamond", minReputation: 1000 },
] as const;

export type RankName = (typeof RANKS)[number]["name"];

export function rankFor(reputation: number): RankName {
  let rank: RankName = RANKS[0].name;
  for (const tier of RANKS) if (reputation >= tier.minReputation) rank = tier.name;
  return rank;
}
