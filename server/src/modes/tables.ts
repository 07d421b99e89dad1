/** The tables of every mode, for the results store and the match read path. */
import type { ModeTable } from "../kit/mode-table.js";
import { SERVER_MODES, serverMode } from "./index.js";
import { factionStandingsTable } from "./war/tables.js";

// TRANSITION: war declares its tables here until it runs on the kit
const LEGACY: Record<string, readonly ModeTable[]> = { war: [factionStandingsTable] };

export const MODE_TABLES: readonly ModeTable[] = [...SERVER_MODES.flatMap((mode) => mode.tables ?? []), ...Object.values(LEGACY).flat()];

/** The tables of one mode. */
export function tablesOf(mode: string): readonly ModeTable[] {
  return serverMode(mode)?.tables ?? LEGACY[mode] ?? [];
}
