/** What the three mode views share: their context, the connection watch and the end-of-match panel. */
import type { AnyModeRoom, ModeName } from "@arena/client-sdk";
import { h, type Child } from "./dom.js";
import { leaderboardPanel } from "./leaderboard.js";
import { showError, showNotice } from "./toast.js";

export type AnyRoom = AnyModeRoom;

export interface ViewContext {
  /** This player's id (from the guest token) and display name. */
  playerId: string;
  name: string;
  /** Leaves the room (if still in it) and goes back to the lobby. */
  exit(): void;
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

/** The result panel every mode ends with: a headline, the standings, the mode's leaderboard and a way back. */
export function resultPanel(mode: ModeName, ctx: ViewContext, headline: Child, standings: Child, testid: string): HTMLElement {
  const back = h("button", { type: "button", class: "primary", "data-testid": "back-button" }, "Back to lobby");
  back.addEventListener("click", () => ctx.exit());
  return h(
    "section",
    { class: "card result", "data-testid": testid },
    h("h2", { "data-testid": "result-headline" }, headline),
    standings,
    leaderboardPanel(mode, ctx.playerId),
    h("div", { class: "actions" }, back),
  );
}
