/**
 * What a mode tells clients as its match goes, besides the state: messages made from the rules
 * state and its events. Pure and browser-safe, so the server's room, its spectator mirrors and the
 * browser's replay viewer all say the same things at the same points of a match.
 */
import type { EventsOf, ModeContract } from "./contract.js";
import type { MatchOutcome, Standing } from "./rules.js";

/** Where a mode's messages go: to everyone in the room, or to the human in one seat. */
export interface Announcer<C extends ModeContract> {
  broadcast<K extends keyof EventsOf<C> & string>(type: K, payload: EventsOf<C>[K], options?: { afterNextPatch?: boolean }): void;
  /** To the human in `seat` (nobody, when a bot plays it). */
  toSeat<K extends keyof EventsOf<C> & string>(seat: number, type: K, payload: EventsOf<C>[K]): void;
  /** The latest session of a player who held a seat (how messages name players), null for bots. */
  sessionOf(playerId: string): string | null;
}

export interface Announcements<C extends ModeContract, Settings, S, E> {
  /** Called once the match has started (the rules state exists). */
  started?(state: S, announce: Announcer<C>): void;
  /** Turns the rules' events into messages; called after every input and tick that produced any. */
  announce?(events: readonly E[], state: S, announce: Announcer<C>): void;
  /**
   * What a human gets when taking a seat (before or during the match) or coming back to it, for
   * clients that do not decode the state. `state` is undefined for a seat taken before the match
   * started (`started` speaks to those players, the one whose join started it included).
   */
  welcome?(seat: number, context: { seed: number; settings: Settings; state: S | undefined }, announce: Announcer<C>): void;
  /** The `finished` message, from the outcome. `sessionOf` maps a player id to its session (null: bot or gone). */
  finished(outcome: MatchOutcome, context: { matchId: string; state: S; sessionOf: (playerId: string) => string | null }): EventsOf<C>["finished"];
}

/** Keeps the mode's types while checking its announcements against the definition. */
export function defineAnnouncements<C extends ModeContract, Settings, S, E>(announcements: Announcements<C, Settings, S, E>): Announcements<C, Settings, S, E> {
  return announcements;
}

/** What every mode's `finished` standings say of a player: who, under which session, with what score. */
export function standingOf(standing: Standing, sessionOf: (playerId: string) => string | null) {
  return { sessionId: sessionOf(standing.playerId) ?? "", playerId: standing.playerId, name: standing.name, score: standing.score };
}
