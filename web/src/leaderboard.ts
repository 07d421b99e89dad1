/** A small leaderboard of a mode (GET /leaderboards/:mode) with a link to the JSON; each player links to their matches and replays. */
import type { HttpErrorBody, LeaderboardResponse, ModeName } from "@arena/client-sdk";
import { h } from "./dom.js";
import { historyHref } from "./routes.js";

/** The results writer stores a match just after it ends; give it a moment before reading the board. */
const FIRST_LOAD_DELAY_MS = 1200;

export function leaderboardPanel(mode: ModeName, myPlayerId: string): HTMLElement {
  const url = `/leaderboards/${mode}?by=total&limit=10`;
  const body = h("div", { class: "muted" }, "Loading…");
  const refresh = h("button", { class: "link-button", type: "button" }, "refresh");
  const panel = h(
    "section",
    { class: "leaderboard", "data-testid": "leaderboard" },
    h(
      "h3",
      {},
      `Leaderboard · ${mode} `,
      h("a", { href: `/leaderboards/${mode}`, target: "_blank", rel: "noopener", "data-testid": "leaderboard-link" }, "JSON"),
      " · ",
      refresh,
    ),
    body,
  );

  const load = async () => {
    try {
      const response = await fetch(url);
      const json = (await response.json()) as LeaderboardResponse | HttpErrorBody;
      if (!response.ok || !("entries" in json)) throw new Error("code" in json ? `${json.code}: ${json.message}` : `HTTP ${response.status}`);
      body.replaceChildren(render(json, myPlayerId));
    } catch (error) {
      body.replaceChildren(h("span", { class: "muted" }, `Leaderboard unavailable (${error instanceof Error ? error.message : String(error)})`));
    }
  };
  refresh.addEventListener("click", () => void load());
  setTimeout(() => void load(), FIRST_LOAD_DELAY_MS);
  return panel;
}

function render(board: LeaderboardResponse, myPlayerId: string): HTMLElement {
  if (board.entries.length === 0) return h("span", { class: "muted" }, "No finished matches yet.");
  return h(
    "table",
    { class: "table" },
    h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Player"), h("th", { class: "num" }, "Total"), h("th", { class: "num" }, "Best"), h("th", { class: "num" }, "Wins"), h("th", {}, "Rank"))),
    h(
      "tbody",
      {},
      ...board.entries.map((entry) =>
        h(
          "tr",
          { class: entry.playerId === myPlayerId ? "me" : undefined },
          h("td", {}, entry.position),
          h("td", {}, h("a", { href: historyHref(entry.playerId), title: "matches and replays", "data-testid": "leaderboard-player" }, entry.displayName)),
          h("td", { class: "num" }, entry.totalScore),
          h("td", { class: "num" }, entry.bestScore),
          h("td", { class: "num" }, entry.wins),
          h("td", {}, entry.rank),
        ),
      ),
    ),
  );
}
