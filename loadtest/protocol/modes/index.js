// The load player of every mode, in one list: the k6 script, the Node tests and the benchmark find a
// mode's player here. Adding a mode adds one line.
/** @import { Mode, Player, PlayerOptions, MsgInput } from "../types.js" */
import { dicePlayer } from "./dice.js";
import { quizPlayer } from "./quiz.js";
import { racePlayer } from "./race.js";
import { warPlayer } from "./war.js";

/**
 * Reads a setting (k6: `-e NAME=value`), with a default.
 * @typedef {object} Settings
 * @property {(name: string, fallback: number) => number} number
 * @property {(name: string, fallback: string) => string} string
 */

/**
 * A mode's load player: how to create one, and the join and player options a script reads from its settings.
 * @typedef {object} ModePlayer
 * @property {Mode} mode
 * @property {(options?: PlayerOptions & Record<string, unknown>) => Player} create
 * @property {(settings: Settings) => { readonly [key: string]: MsgInput }} joinOptions
 * @property {(settings: Settings) => Record<string, number>} playerOptions
 */

/** @type {Record<Mode, ModePlayer>} */
export const PLAYERS = { race: racePlayer, quiz: quizPlayer, war: warPlayer, dice: dicePlayer };

/**
 * The player of a mode, with that mode's defaults.
 * @param {Mode} mode
 * @param {PlayerOptions & Record<string, unknown>} [options]
 * @returns {Player}
 */
export function createPlayer(mode, options = {}) {
  const entry = PLAYERS[mode];
  if (!entry) throw new Error(`no load player for mode "${mode}"`);
  return entry.create(options);
}

/** @param {string} name @returns {name is Mode} */
export function hasPlayer(name) {
  return Object.prototype.hasOwnProperty.call(PLAYERS, name);
}
