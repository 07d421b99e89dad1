/** A player's recent matches (GET /players/:id/matches), each with a link to its replay. */
import { ArenaError, type HistoryResponse } from "@arena/client-sdk";
import { h, ordinal, setText, table } from "./dom.js";
import { getJson } from "./http.js";
import { replayHref } from "./routes.js";
import { rememberedPlayerId } from "./session.js";

/** "3 min ago", "yesterday 14:05": when a match ended, short. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleString();
}

/** The page of one player's history: name, then their matches newest first, a page at a time. */
export function historyPage(playerId: string, back: () => void): HTMLElement {
  const title = h("h1", {}, "Matches");
  const status = h("p", { class: "muted" }, "Loading…");
  const rows = h("div", { "data-testid": "history-list" });
  const more = h("button", { type: "button", hidden: true, "data-testid": "history-more" }, "Older matches");
  const backButton = h("button", { type: "button", class: "ghost" }, "Back to lobby");
  backButton.addEventListener("click", back);
  let before: string | null = null;

  const load = async () => {
    try {
      const query = new URLSearchParams({ limit: "20", ...(before ? { before } : {}) });
      const page = await getJson<HistoryResponse>(`/players/${encodeURIComponent(playerId)}/matches?${query}`);
      setText(title, `Matches of ${page.player.displayName}`);
      setText(status, page.matches.length === 0 && !before ? "No finished matches yet." : "");
      rows.append(historyTable(page, playerId));
      before = page.nextBefore;
      more.hidden = before === null;
    } catch (error) {
      const failure = ArenaError.from(error);
      setText(status, `History unavailable (${failure.code}: ${failure.message})`);
    }
  };
  more.addEventListener("click", () => void load());
  void load();
  return h("section", { class: "card page", "data-testid": "history" }, h("div", { class: "game-bar" }, title, h("span", { class: "spacer" }), backButton), status, rows, more);
}

function historyTable(page: HistoryResponse, playerId: string): HTMLElement {
  const rows = page.matches.map((m) => ({
    cells: [
      m.mode,
      ago(m.endedAt),
      m.status === "completed" ? ordinal(m.placement) : m.status,
      m.score,
      // your own matches replay with you as "you"; anyone else's as a spectator sees them
      h("a", { href: replayHref(m.matchId, playerId === rememberedPlayerId() ? playerId : undefined), "data-testid": "history-replay", "data-match-id": m.matchId }, "Replay"),
    ],
    attrs: { "data-testid": "history-match", "data-match-id": m.matchId, "data-mode": m.mode },
  }));
  return table(["Mode", "Ended", "Place", "Score", ""], rows, {}, [3]);
}
