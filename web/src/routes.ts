/**
 * The pages of the client, in the URL's hash (the server serves one static page at /play):
 * `#watch`, `#replay=<matchId>[&as=<playerId>]`, `#history=<playerId>`; anything else is the lobby.
 */
export type Route = { page: "lobby" } | { page: "watch" } | { page: "replay"; matchId: string; as?: string } | { page: "history"; playerId: string };

export function parseRoute(hash: string): Route {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const replay = params.get("replay");
  if (replay) return { page: "replay", matchId: replay, ...(params.get("as") ? { as: params.get("as")! } : {}) };
  const history = params.get("history");
  if (history) return { page: "history", playerId: history };
  if (params.has("watch")) return { page: "watch" };
  return { page: "lobby" };
}

/** Link to the replay viewer of a stored match; `as` is the player shown as "you". */
export function replayHref(matchId: string, as?: string): string {
  return `#replay=${encodeURIComponent(matchId)}${as ? `&as=${encodeURIComponent(as)}` : ""}`;
}

export function historyHref(playerId: string): string {
  return `#history=${encodeURIComponent(playerId)}`;
}

export const WATCH_HREF = "#watch";
