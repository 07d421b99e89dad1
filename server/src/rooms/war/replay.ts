/**
 * The war's input log and replay: what a room records while the war runs, and the pure re-run of it.
 */
import type { WarEndReason, WarFactionId } from "@arena/shared";
import { warStandings, type WarStandings } from "./scoring.js";
import { createWar, runWar, stopWar, type WarSettings, type WarTickInput } from "./simulation.js";

/**
 * `[tick, "move", seat, zone]`, `[tick, "join", seat, playerId]` (a human takes the seat from its bot)
 * or `[tick, "leave", seat]` (the seat's bot takes over). Entries of one tick are in the order applied.
 */
export type LoggedWarInput = [number, "move", number, number] | [number, "join", number, string] | [number, "leave", number];

/** Who played, for the record. Humans with `joinTick` 0 held their seat from the start. */
export interface WarReplayPlayer {
  playerId: string;
  name: string;
  isBot: boolean;
  faction: WarFactionId;
  seat: number;
  joinTick: number;
}

export interface WarReplay {
  players: WarReplayPlayer[];
  inputs: LoggedWarInput[];
  /** The last tick played. */
  endTick: number;
  /** Set when the war was stopped from outside the rules (server shutdown) at `endTick`. */
  stoppedBecause?: WarEndReason;
}

export function logInput(tick: number, input: WarTickInput): LoggedWarInput {
  switch (input.kind) {
    case "move":
      return [tick, "move", input.seat, input.to];
    case "join":
      return [tick, "join", input.seat, input.playerId];
    case "leave":
      return [tick, "leave", input.seat];
  }
}

function fromLog(entry: LoggedWarInput): WarTickInput {
  switch (entry[1]) {
    case "move":
      return { kind: "move", seat: entry[2], to: entry[3] };
    case "join":
      return { kind: "join", seat: entry[2], playerId: entry[3] };
    case "leave":
      return { kind: "leave", seat: entry[2] };
  }
}

/** The humans seated at the start signal, as `createWar` takes them. */
export function startingHumans(players: readonly WarReplayPlayer[]): Array<{ seat: number; playerId: string }> {
  return players.filter((p) => !p.isBot && p.joinTick === 0).map(({ seat, playerId }) => ({ seat, playerId }));
}

/** Re-runs a stored war from its seed, settings and replay record; gives the standings it ended with. */
export function replayWar(seed: number, settings: WarSettings, replay: WarReplay): WarStandings {
  const byTick = new Map<number, WarTickInput[]>();
  for (const entry of replay.inputs) {
    const list = byTick.get(entry[0]) ?? [];
    list.push(fromLog(entry));
    byTick.set(entry[0], list);
  }
  let sim = runWar(createWar(seed, settings, startingHumans(replay.players)), byTick, replay.endTick);
  if (replay.stoppedBecause) sim = stopWar(sim, replay.stoppedBecause);
  return warStandings(sim);
}
