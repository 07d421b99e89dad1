/**
 * How a dice bot plays a turn: from its own dice and the number of dice it cannot see, it weighs each
 * bid by the chance that it is true (each unseen die shows a given face with p = 1/6). A turn that
 * times out is played the same way for the seat. Only + − × ÷ on doubles: the same result on every
 * JavaScript engine, so a replay in the browser makes the same decisions.
 */
import { DICE_LIMITS } from "./contract.js";

export type DiceAction = { kind: "bid"; quantity: number; face: number } | { kind: "liar" };

export const BOT_RULES = {
  /** A bot calls liar on a bid it thinks is true less often than this. */
  liarBelow: 0.4,
} as const;

const P_FACE = 1 / DICE_LIMITS.faces;

/** P(X ≥ k) for X ~ Binomial(n, 1/6). */
export function atLeast(k: number, n: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  // pmf(0) = (5/6)^n, then pmf(i + 1) = pmf(i) · (n − i) / (i + 1) · p / (1 − p)
  let pmf = 1;
  for (let i = 0; i < n; i++) pmf *= 1 - P_FACE;
  const ratio = P_FACE / (1 - P_FACE);
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += pmf;
    pmf = (pmf * (n - i) * ratio) / (i + 1);
  }
  return Math.max(0, 1 - below);
}

/** The chance that `quantity` × `face` is true, seen from a player holding `own` among `total` dice. */
export function bidChance(own: readonly number[], total: number, quantity: number, face: number): number {
  const mine = own.filter((d) => d === face).length;
  return atLeast(quantity - mine, total - own.length);
}

/** Whether `quantity` × `face` beats `last` (a higher quantity, or the same quantity and a higher face). */
export function beats(quantity: number, face: number, last: { quantity: number; face: number } | null): boolean {
  if (!last) return true;
  return quantity > last.quantity || (quantity === last.quantity && face > last.face);
}

/**
 * The bot's move. Opening a round it bids what it holds most of (the higher face on a tie): a bid it
 * knows is true. Facing a bid, it finds the raise most likely to be true (the smallest raise on each
 * face; the lower quantity on a tie), and calls liar instead when the bid is unlikely enough, or when
 * the call is more likely right than that raise, or when no raise is left.
 */
export function decide(own: readonly number[], total: number, last: { quantity: number; face: number } | null): DiceAction {
  if (!last) {
    let best = { quantity: 0, face: 1 };
    for (let face = 1; face <= DICE_LIMITS.faces; face++) {
      const count = own.filter((d) => d === face).length;
      if (count >= best.quantity) best = { quantity: count, face };
    }
    return { kind: "bid", quantity: Math.max(1, best.quantity), face: best.face };
  }
  const standing = bidChance(own, total, last.quantity, last.face);
  let best: { quantity: number; face: number; chance: number } | null = null;
  for (let face = 1; face <= DICE_LIMITS.faces; face++) {
    const quantity = face > last.face ? last.quantity : last.quantity + 1;
    if (quantity > total) continue;
    const chance = bidChance(own, total, quantity, face);
    if (!best || chance > best.chance || (chance === best.chance && quantity < best.quantity)) best = { quantity, face, chance };
  }
  if (!best || standing < BOT_RULES.liarBelow || 1 - standing > best.chance) return { kind: "liar" };
  return { kind: "bid", quantity: best.quantity, face: best.face };
}
