/**
 * The lobby's party box: create a party for the chosen mode, or join one with its code; then its
 * code, its members (the leader may kick) and a Leave. When the leader queues (Ranked), every other
 * member's box follows into the same queue. The party outlives the lobby (it is kept across games).
 */
import { ArenaError, type AnyModeRoom, type ModeName, type Party } from "@arena/client-sdk";
import { h } from "./dom.js";
import { waitInQueue } from "./ranked.js";
import type { Session } from "./session.js";
import { showError } from "./toast.js";

export interface PartyLobby {
  mode(): ModeName;
  signIn(): Promise<Session>;
  /** Where a followed queue shows its panel. */
  queueHost: HTMLElement;
  play(room: AnyModeRoom, session: Session): void;
}

let current: { party: Party; session: Session } | undefined;
/** The listeners of the box on screen: a new lobby replaces them. */
let detach: Array<() => void> = [];

const fail = (error: unknown) => {
  const failure = ArenaError.from(error);
  showError(failure.code, failure.message);
};

export function partyPanel(lobby: PartyLobby): HTMLElement {
  const box = h("fieldset", { class: "party", "data-testid": "party" });
  for (const off of detach) off();
  detach = [];

  const enter = (open: (session: Session) => Promise<Party>) => async () => {
    try {
      const session = await lobby.signIn();
      const party = await open(session);
      current = { party, session };
      watch();
      render();
    } catch (error) {
      fail(error);
    }
  };

  const watch = () => {
    if (!current) return;
    const { party, session } = current;
    detach.push(
      party.on("update", () => render()),
      party.on("queue", (ticket) => waitInQueue(lobby.queueHost, ticket.mode, ticket, (room) => lobby.play(room, session), () => {})),
      party.on("kicked", () => showError("KICKED", "the leader removed you from the party")),
      party.on("closed", () => {
        current = undefined;
        render();
      }),
    );
  };

  const render = () => {
    if (!current) {
      const code = h("input", { type: "text", maxlength: 8, placeholder: "code", "data-testid": "party-code-input", autocomplete: "off", size: 8 });
      const create = h("button", { type: "button", "data-testid": "party-create" }, "Create party");
      const join = h("button", { type: "button", "data-testid": "party-join" }, "Join");
      create.addEventListener("click", enter((s) => s.client.createParty(lobby.mode())));
      join.addEventListener("click", enter((s) => s.client.joinParty(code.value)));
      box.replaceChildren(h("legend", {}, "Party"), h("div", { class: "actions" }, create, h("span", { class: "muted small" }, "or"), code, join));
      return;
    }
    const { party, session } = current;
    const me = session.auth.playerId;
    const members = party.state.members.map((m) => {
      const kick = party.leader === me && m.playerId !== me ? h("button", { type: "button", class: "ghost small", "data-testid": "party-kick" }, "kick") : null;
      kick?.addEventListener("click", () => void party.kick(m.playerId).catch(fail));
      return h(
        "li",
        { "data-testid": "party-member", "data-connected": m.connected },
        m.name,
        m.playerId === party.leader ? " ★" : "",
        m.connected ? "" : " (away)",
        kick ? " " : "",
        kick,
      );
    });
    const leave = h("button", { type: "button", class: "ghost", "data-testid": "party-leave" }, "Leave party");
    leave.addEventListener("click", () => void party.leave());
    const queueing = party.state.queueing ? h("span", { class: "muted small", "data-testid": "party-queueing" }, " · in the queue") : null;
    box.replaceChildren(
      h("legend", {}, "Party"),
      h("p", {}, `${party.state.mode} party · code `, h("strong", { "data-testid": "party-code" }, party.code), ` · ${party.state.members.length}/${party.state.maxSize}`, queueing),
      h("ul", { class: "party-members" }, ...members),
      h("p", { class: "muted small" }, party.leader === me ? "Share the code; press Ranked to queue together." : "The leader queues for the party; you follow."),
      leave,
    );
  };

  watch();
  render();
  return box;
}
