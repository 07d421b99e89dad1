/**
 * Re-runs a stored match from its seed, settings and input log through the same pure rules the
 * room used, and compares the outcome with what was stored. Every mode of the registry supports it;
 * a match recorded with other rules than the server's is reported as such, not as a difference.
 */
import { eq } from "drizzle-orm";
import { decodeLog, replayMatch, type MatchOutcome, type SeatedPlayer, type StoredInputLog } from "@arena/shared/kit/rules";
import { serverMode } from "../modes/index.js";
import { tablesOf } from "../modes/tables.js";
import type { Db } from "../persistence/database.js";
import { matchParticipants, matches } from "../persistence/schema.js";
import { ratingReplayLines } from "./replay-ratings.js";

/** One comparable line of an outcome, e.g. `player <id>: placement 1, score 300`. */
type Line = string;

export type ReplayVerdict = "reproduced" | "differs" | "rules-changed";

export interface ReplayReport {
  matchId: string;
  mode: string;
  status: string;
  verdict: ReplayVerdict;
  /** The rules the match was recorded with, and the server's. */
  recordedRules: number;
  currentRules: number;
  /** What was stored and what the replay gave, as sorted lines (empty when the rules changed). */
  stored: Line[];
  replayed: Line[];
}

const playerLine = (p: { playerId: string; placement: number; score: number; finishTimeMs: number | null }) =>
  `player ${p.playerId}: placement ${p.placement}, score ${p.score}, finish ${p.finishTimeMs ?? "-"}`;

/** JSON with the keys of every object sorted: jsonb columns come back in an order of their own. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** A row as one line, keys sorted, with only the keys the stored row has (the database adds none). */
function rowLine(table: string, row: Record<string, unknown>, keys: readonly string[]): Line {
  return `${table} ${canonicalJson(Object.fromEntries(keys.map((k) => [k, row[k]])))}`;
}

export class ReplayUnsupported extends Error {}

/** The outcome a stored match's replay gives, or the reason it cannot be replayed with these rules. */
export function replayOutcome(
  mode: string,
  record: { seed: number; settings: unknown; replay: unknown; rulesVersion: number },
): { outcome: MatchOutcome } | { rulesChanged: { recorded: number; current: number } } {
  const definition = serverMode(mode);
  if (!definition) throw new ReplayUnsupported(`no replay for mode "${mode}"`);
  const current = definition.rules.version;
  if (record.rulesVersion !== current) return { rulesChanged: { recorded: record.rulesVersion, current } };
  const replay = record.replay as { players: SeatedPlayer[]; inputs: StoredInputLog };
  const setup = { seed: record.seed, settings: record.settings, players: replay.players };
  const final = replayMatch(definition.rules, setup, decodeLog(definition.rules, replay.inputs));
  return { outcome: definition.rules.outcome(final) };
}

export async function replayStoredMatch(db: Db, matchId: string): Promise<ReplayReport | undefined> {
  const [match] = await db.select().from(matches).where(eq(matches.id, matchId)).limit(1);
  if (!match) return undefined;
  const participants = await db.select().from(matchParticipants).where(eq(matchParticipants.matchId, matchId));
  const base = { matchId, mode: match.mode, status: match.status, recordedRules: match.rulesVersion };
  if (!serverMode(match.mode)) throw new ReplayUnsupported(`no replay for mode "${match.mode}"`);

  const replayed = replayOutcome(match.mode, match);
  if ("rulesChanged" in replayed) return { ...base, verdict: "rules-changed", currentRules: replayed.rulesChanged.current, stored: [], replayed: [] };
  const { outcome } = replayed;
  const storedLines: Line[] = participants.map((p) => playerLine(p));
  const replayedLines: Line[] = outcome.standings.map((s) => playerLine(s));
  for (const table of tablesOf(match.mode)) {
    const storedRows = await table.read(db, matchId);
    const keys = storedRows[0] ? Object.keys(storedRows[0]).sort() : [];
    for (const row of storedRows) storedLines.push(rowLine(table.name, row, keys));
    for (const row of outcome.rows?.[table.name] ?? []) replayedLines.push(rowLine(table.name, table.row.parse(row), keys.length > 0 ? keys : Object.keys(row).sort()));
  }
  const ratings = await ratingReplayLines(db, matchId, outcome);
  storedLines.push(...ratings.stored);
  replayedLines.push(...ratings.replayed);
  storedLines.sort();
  replayedLines.sort();
  const same = storedLines.length === replayedLines.length && storedLines.every((line, i) => line === replayedLines[i]);
  return { ...base, verdict: same ? "reproduced" : "differs", currentRules: match.rulesVersion, stored: storedLines, replayed: replayedLines };
}
