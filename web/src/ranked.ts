/**
 * Ranked play: the lobby's "Ranked" button queues for the chosen mode and options; a panel shows
 * the queue size, the wait and the rating band until the match room is joined, with a Cancel.
 */
import { ArenaError, ErrorCode, type AnyModeRoom, type ModeName, type QueueTicket } from "@arena/client-sdk";
import { h, setText } from "./dom.js";
import type { Session } from "./session.js";
import { showError } from "./toast.js";

/** What the lobby gives the button: the chosen mode and options (or why not), signing in, and where to play. */
export interface RankedLobby {
  choose(): { mode: ModeName; options: Record<string, unknown> } | { error: string };
  signIn(): Promise<Session>;
  status: HTMLElement;
  play(room: AnyModeRoom, session: Session): void;
}

/** Shows a ticket's wait in `host` until it resolves to a room (then `play`) or ends (the panel goes). */
export function waitInQueue(host: HTMLElement, mode: ModeName, ticket: QueueTicket<ModeName>, play: (room: AnyModeRoom) => void, ended: () => void): void {
  const line = h("span", { "data-testid": "queue-status" }, `Joining the ${mode} queue…`);
  const cancel = h("button", { type: "button", class: "ghost", "data-testid": "queue-cancel" }, "Cancel");
  const panel = h("div", { class: "card queue-panel", "data-testid": "queue-panel" }, h("strong", {}, `Ranked ${mode}`), " ", line, " ", cancel);
  cancel.addEventListener("click", () => void ticket.cancel());
  ticket.on("status", (s) => {
    const party = s.party ? ` · party ${s.party.present}/${s.party.expected} in` : "";
    setText(line, `${s.queued} waiting · ${Math.round(s.waitedMs / 1000)} s · rating ${s.rating.toFixed(1)} ± ${s.band.toFixed(1)}${party}`);
  });
  host.replaceChildren(panel);
  ticket.then(
    (room) => {
      panel.remove();
      play(room as AnyModeRoom);
    },
    (error: unknown) => {
      panel.remove();
      const failure = ArenaError.from(error);
      if (failure.code !== ErrorCode.QueueCancelled || !/was left/.test(failure.message)) showError(failure.code, failure.message);
      ended();
    },
  );
}

/** The "Ranked" button and the place its queue panel shows. */
export function rankedButton(lobby: RankedLobby): { button: HTMLButtonElement; panel: HTMLElement } {
  const button = h("button", { type: "button", class: "big", "data-testid": "ranked-button", title: "Queue with players of your rating" }, "Ranked");
  const panel = h("div", { "data-testid": "queue-host" });
  button.addEventListener("click", () => {
    const chosen = lobby.choose();
    if ("error" in chosen) {
      setText(lobby.status, `Check the options: ${chosen.error}`);
      return;
    }
    button.disabled = true;
    void (async () => {
      try {
        const session = await lobby.signIn();
        setText(lobby.status, "");
        waitInQueue(panel, chosen.mode, session.client.queue(chosen.mode, chosen.options as never), (room) => lobby.play(room, session), () => (button.disabled = false));
      } catch (error) {
        const failure = ArenaError.from(error);
        showError(failure.code, failure.message);
        button.disabled = false;
      }
    })();
  });
  return { button, panel };
}
