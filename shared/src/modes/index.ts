/**
 * Every game mode's wire contract, in one list: the server, the SDK, the web client and the load
 * players iterate it. Adding a mode adds one line here.
 */
import { dice } from "./dice/contract.js";
import { quiz } from "./quiz/contract.js";
import { race } from "./race/contract.js";
import { war } from "./war/contract.js";

export const MODES = { race, quiz, war, dice } as const;

export type Modes = typeof MODES;
export type ModeName = keyof Modes;
export const MODE_NAMES = Object.keys(MODES) as ModeName[];

export function isModeName(name: string): name is ModeName {
  return Object.hasOwn(MODES, name);
}
