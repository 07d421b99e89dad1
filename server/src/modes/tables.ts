/** The tables of every mode, for the results store and the match read path. */
import type { ModeTable } from "../kit/mode-table.js";
import { SERVER_MODES, serverMode } from "./index.js";
import { quizAnswersTable } from "./quiz/tables.js";
import { factionStandingsTable } from "./war/tables.js";

// TRANSITION: quiz and war declare their tables here until they run on the kit
const LEGACY: Record<string, readonly ModeTable[]> = { quiz: [quizAnswersTable], war: [factionStandingsTable] };

export const MODE_TABLES: readonly ModeTable[] = [...SERVER_MODES.flatMap((mode) => mode.tables ?? []), ...Object.values(LEGACY).flat()];

/** The tables of one mode. */
export function tablesOf(mode: string): readonly ModeTable[] {
  return serverMode(mode)?.tables ?? LEGACY[mode] ?? [];
}
