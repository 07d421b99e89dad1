import { DICE_LIMITS } from "@arena/shared/modes/dice/contract";
import type { WebMode } from "../web-mode.js";
import { diceView } from "./view.js";

export const diceWeb: WebMode<"dice"> = {
  title: "Liar's dice",
  blurb: "Bid on everyone's hidden dice, or call liar; bots fill free seats.",
  options: [
    { key: "maxPlayers", label: "Seats (humans + bots)", kind: "number", min: DICE_LIMITS.minPlayers, max: DICE_LIMITS.maxPlayers, value: 4 },
    { key: "dice", label: "Dice each", kind: "number", min: DICE_LIMITS.minDice, max: DICE_LIMITS.maxDice, value: 5 },
  ],
  view: diceView,
};
