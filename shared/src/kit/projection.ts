/**
 * How a mode shows its rules state to clients: the schema state that Colyseus sends as binary
 * deltas, and what of it only one seat may see. Pure (schema instances only), so the browser can
 * project a replayed match into the same state a live client decodes and draw it with the same view.
 */
import type { Schema } from "@colyseus/schema";
import type { Time } from "./rules.js";

/** A seat of the lobby as it is shown before the match starts. */
export interface LobbySeat {
  seat: number;
  /** The key of this player in the state's players map (the session id for humans). */
  key: string;
  name: string;
  connected: boolean;
}

/** The lobby as the room runtime runs it: who sits where, and when the match starts. */
export interface LobbyView {
  /** waiting: fewer players than the mode needs; starting: the start timer runs (`startsInMs`). */
  phase: "waiting" | "starting";
  seats: LobbySeat[];
  /** Milliseconds until the match starts, while `phase` is starting. */
  startsInMs: number;
}

/** What a projection needs to know about the players besides the rules state. */
export interface ProjectionContext {
  /** Key of a seat's player in the state's players map: a human's session id, or a stable key for a bot. */
  keyOf(playerId: string, seat: number): string;
  /** Whether a human's client is connected (bots always are). */
  connected(playerId: string): boolean;
  /** The time the match has reached (for countdowns shown to players). */
  now: Time;
}

export interface Projection<Settings, S, State extends Schema> {
  /** The room state before the match: what players see from the start (a race's track, a war's map). */
  create(seed: number, settings: Settings, matchId: string): State;
  /** Shows the lobby. Called whenever it changes, until the match starts. */
  lobby(view: State, lobby: LobbyView): void;
  /**
   * The lobby shows the start countdown (`startsInMs`): the room then shows the lobby again before
   * every patch while the start timer runs. Without it a lobby costs nothing between joins.
   */
  readonly lobbyCountdown?: boolean;
  /** Copies the rules state into the schema state, writing only what changed. Called before each patch. */
  project(view: State, state: S, context: ProjectionContext): void;
  /**
   * Hidden information: the schema instances (fields marked `.view()`) that only the client in
   * `seat` may see. Nobody else — other players, spectators — receives them before the rules reveal them.
   */
  privateTo?(view: State, state: S, seat: number): Schema[];
}
