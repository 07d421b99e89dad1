/** Liar's dice's names on the wire, import-free so a load script can bundle them alone. */

/** Room name of liar's dice. */
export const DICE_ROOM = "dice" as const;

/** Client → server message types of a dice room. */
export const DiceMessage = {
  /** Raise the bid: at least `quantity` dice on the table show `face`. */
  Bid: "bid",
  /** Call the last bid a lie: every die is revealed. */
  Liar: "liar",
} as const;

/** Server → client message types of a dice room (besides the shared `error`). */
export const DiceServerMessage = {
  /** To each seat at the start of a round (and on taking or retaking a seat): its own dice. */
  Roll: "roll",
  /** To everyone whenever the turn passes: whose turn, the bid to beat, the time left. */
  Turn: "turn",
  /** To everyone after a challenge: every die of the round and who lost one. */
  Reveal: "reveal",
  /** Once when the match ends: the standings. */
  Finished: "finished",
} as const;
