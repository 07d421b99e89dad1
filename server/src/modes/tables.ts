/** The tables of every mode, for the results store and the match read path. */
import type { ModeTable } from "../kit/mode-table.js";
import { SERVER_MODES, serverMode } from "./index.js";

export const MODE_TABLES: readonly ModeTable[] = SERVER_MODES.flatMap((mode) => mode.tables ?? []);

/** The tables of one mode. */
export function tablesOf(mode: string): readonly ModeTable[] {
  return serverMode(mode)?.tables ?? [];
}
