/** What the mode views share: what they draw from, their context, the connection watch and the end-of-match panel. */
import type { AnyModeRoom, EventsOf, ModeName, Modes, OutgoingOf, PlayerOf, RoomOf, StateOf } from "@arena/client-sdk";
import { h, type Child } from "./dom.js";
import { leaderboardPanel } from "./leaderboard.js";
import { replayHref } from "./routes.js";
import { showError, showNotice } from "./toast.js";

export type AnyRoom = AnyModeRoom;

/**
 * What a mode view draws: a room it plays in, a match it watches, or a replay. The view does not know
 * which; without `send` it shows no controls.
 */
export interface MatchSource<M extends ModeName> {
  readonly mode: M;
  /** The state, updated in place as the match goes (undefined until the first one arrives). */
  readonly state: StateOf<Modes[M]>;
  /** The viewer's key in the players map; a spectator's matches nobody. */
  readonly sessionId: string;
  readonly me: PlayerOf<Modes[M]> | undefined;
  /** Sends a message to the room; undefined when watching or replaying. */
  readonly send: (<K extends keyof OutgoingOf<Modes[M]> & string>(type: K, payload: OutgoingOf<Modes[M]>[K]) => void) | undefined;
  on<K extends keyof EventsOf<Modes[M]> & string>(type: K, listener: (payload: EventsOf<Modes[M]>[K]) => void): () => void;
  onStateChange(listener: (state: StateOf<Modes[M]>) => void): () => void;
  /** Shows errors and connection news until the returned function is called (a replay has none). */
  watch(isOver: () => boolean): () => void;
}

/** A joined room as a view's source: a player's room sends, a spectator's does not. */
export function roomSource<M extends ModeName>(room: RoomOf<M>): MatchSource<M> {
  return {
    mode: room.mode as M,
    get state() {
      return room.state;
    },
    get sessionId() {
      return room.sessionId;
    },
    get me() {
      return room.me;
    },
    send: room.spectator ? undefined : (type, payload) => room.send(type, payload),
    on: (type, listener) => room.on(type, listener),
    onStateChange: (listener) => room.onStateChange(listener),
    watch: (isOver) => watchRoom(room as AnyRoom, isOver),
  };
}

export interface ViewContext {
  /** This player's id (from the guest token) and display name. */
  playerId: string;
  name: string;
  /** Leaves the room (if still in it) and goes back to the lobby. */
  exit(): void;
  /** Where `exit` leads, for the result panel's button ("Back to lobby" unless said otherwise). */
  exitLabel?: string;
  /** The view shows a replay: its result panel links to no replay. */
  inReplay?: boolean;
}

export interface ModeView {
  readonly element: HTMLElement;
  dispose(): void;
}

/**
 * Shows the room's `error` messages as toasts and tells the player when the connection drops, comes
 * back or closes. `isOver()` says whether a close is the normal end of a finished match.
 */
export function watchRoom(room: AnyRoom, isOver: () => boolean): () => void {
  let active = true;
  const offError = room.onError((error) => showError(error.code, error.message));
  room.room.onDrop(() => {
    if (active) showNotice("Connection lost, reconnecting…");
  });
  room.room.onReconnect(() => {
    if (active) showNotice("Reconnected.");
  });
  room.onLeave((code) => {
    if (active && !isOver()) showError("DISCONNECTED", `the room closed the connection (code ${code})`);
  });
  return () => {
    active = false;
    offError();
  };
}

/** Where a view's controls would be, for a spectator or a replay: there are none. */
export function watchingNote(mode: ModeName): HTMLElement {
  return h("section", { class: "card controls", "data-testid": `${mode}-watching` }, h("p", { class: "muted" }, "Watching: no controls."));
}

/**
 * The result panel every mode ends with: a headline, the standings, a link to the match's replay
 * (not inside a replay), the mode's leaderboard and a way back.
 */
export function resultPanel(mode: ModeName, ctx: ViewContext, headline: Child, standings: Child, testid: string, matchId: string): HTMLElement {
  const back = h("button", { type: "button", class: "primary", "data-testid": "back-button" }, ctx.exitLabel ?? "Back to lobby");
  back.addEventListener("click", () => ctx.exit());
  const replay = ctx.inReplay ? null : h("a", { href: replayHref(matchId, ctx.playerId || undefined), "data-testid": "replay-link" }, "Watch the replay");
  return h(
    "section",
    { class: "card result", "data-testid": testid },
    h("h2", { "data-testid": "result-headline" }, headline),
    standings,
    leaderboardPanel(mode, ctx.playerId),
    h("div", { class: "actions" }, back, replay),
  );
}
