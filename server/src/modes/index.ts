/**
 * Every mode the server runs, in one list: main.ts registers a room for each, and the config, the
 * results store, the replay CLI and the metrics iterate it. Adding a mode adds one line here.
 */
import type { AnyServerMode } from "../kit/server-mode.js";
import { diceMode } from "./dice/index.js";
import { quizMode } from "./quiz/index.js";
import { raceMode } from "./race/index.js";
import { warMode } from "./war/index.js";

export const SERVER_MODES: readonly AnyServerMode[] = [raceMode, quizMode, warMode, diceMode];

export function serverMode(name: string): AnyServerMode | undefined {
  return SERVER_MODES.find((mode) => mode.contract.name === name);
}
