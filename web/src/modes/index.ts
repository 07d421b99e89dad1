/** The view of every mode, in one list; the lobby offers them in this order. Adding a mode adds one line here. */
import type { ModeName } from "@arena/client-sdk";
import { diceWeb } from "./dice/index.js";
import { quizWeb } from "./quiz/index.js";
import { raceWeb } from "./race/index.js";
import type { WebMode } from "./web-mode.js";
import { warWeb } from "./war/index.js";

export const WEB_MODES: { [M in ModeName]: WebMode<M> } = { race: raceWeb, quiz: quizWeb, war: warWeb, dice: diceWeb };
