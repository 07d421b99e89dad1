/**
 * The replay viewer: a stored match (GET /matches/:id/replay) re-run in the page with the mode's
 * own rules, drawn by the mode's live view, on a timeline with play, pause, seek and 0.5–8× speed.
 * The standings the rules give at the end are checked against the stored ones (GET /matches/:id).
 */
import { ArenaError, ErrorCode, isModeName, type MatchReplayResponse, type MatchResponse, type ModeName } from "@arena/client-sdk";
import { h, setText } from "../dom.js";
import { getJson } from "../http.js";
import { WEB_MODES } from "../modes/index.js";
import type { ModeView, ViewContext } from "../view.js";
import { ReplayPlayer, SPEEDS } from "./replay-player.js";

/** 83_450 ms → "1:23.4". */
function clock(ms: number): string {
  const tenths = Math.floor(ms / 100);
  return `${Math.floor(tenths / 600)}:${String(Math.floor(tenths / 10) % 60).padStart(2, "0")}.${tenths % 10}`;
}

/** Standings as comparable lines: who placed where with what score. */
const lines = (rows: ReadonlyArray<{ playerId: string; placement: number; score: number }>) =>
  rows.map((r) => `${r.playerId}:${r.placement}:${r.score}`).sort();

export function replayPage(matchId: string, viewer: string | undefined, ctx: ViewContext): { element: HTMLElement; dispose(): void } {
  const status = h("p", { class: "muted", "data-testid": "replay-status" }, "Loading the match…");
  const element = h("section", { class: "replay", "data-testid": "replay" }, status);
  let player: ReplayPlayer<ModeName> | undefined;
  let disposed = false;

  void (async () => {
    try {
      // the stored match only once the replay exists: an unknown id is one refused request, not two
      const replay = await getJson<MatchReplayResponse>(`/matches/${encodeURIComponent(matchId)}/replay`);
      const stored = await getJson<MatchResponse>(`/matches/${encodeURIComponent(matchId)}`);
      if (disposed) return;
      if (!isModeName(replay.mode)) throw new ArenaError(ErrorCode.RulesChanged, `this page has no ${replay.mode} mode`);
      player = show(replay, stored, viewer, ctx, element);
    } catch (error) {
      const failure = ArenaError.from(error);
      status.dataset.code = failure.code;
      setText(status, `This match cannot be replayed: ${failure.code}: ${failure.message}`);
      status.setAttribute("data-testid", "replay-error");
    }
  })();
  return {
    element,
    dispose() {
      disposed = true;
      player?.dispose();
    },
  };
}

function show<M extends ModeName>(replay: MatchReplayResponse, stored: MatchResponse, viewer: string | undefined, ctx: ViewContext, element: HTMLElement): ReplayPlayer<M> {
  const mode = replay.mode as M;
  const web = WEB_MODES[mode];
  const stage = h("div", { "data-testid": "replay-stage" });
  const playButton = h("button", { type: "button", class: "primary", "data-testid": "replay-play" }, "▶ Play");
  const seek = h("input", { type: "range", min: 0, step: "any", value: 0, "data-testid": "replay-seek", "aria-label": "match time" });
  const time = h("span", { class: "hud-value replay-time", "data-testid": "replay-time" });
  const speed = h("select", { "data-testid": "replay-speed", "aria-label": "speed" }, ...SPEEDS.map((s) => h("option", { value: s, selected: s === 1 }, `${s}×`)));
  const check = h("span", { class: "small", "data-testid": "replay-check" });
  const viewContext: ViewContext = { ...ctx, inReplay: true };

  const building = performance.now();
  const player = new ReplayPlayer(
    web.replay,
    replay,
    viewer,
    (source) => {
      const view: ModeView = (web.view as (s: typeof source, c: ViewContext) => ModeView)(source, viewContext);
      stage.replaceChildren(view.element);
      return view;
    },
    () => {
      seek.value = String(Math.round(player?.timeMs ?? 0));
      setText(time, `${clock(player?.timeMs ?? 0)} / ${clock(player?.durationMs ?? 0)}`);
      time.dataset.ms = String(Math.round(player?.timeMs ?? 0));
      setText(playButton, player?.playing ? "⏸ Pause" : "▶ Play");
      seek.dataset.lastSeekMs = (player?.lastSeekMs ?? 0).toFixed(1);
      element.dataset.over = String(player?.over ?? false);
    },
  );
  // the first run through the rules, snapshots included: what opening a replay costs
  element.dataset.buildMs = (performance.now() - building).toFixed(1);
  seek.max = String(Math.round(player.durationMs));
  const same = lines(player.outcome.standings).join() === lines(stored.participants).join();
  check.dataset.same = String(same);
  setText(check, same ? "✓ the rules give the stored standings" : "✗ the replay's standings differ from the stored ones");
  check.classList.toggle("warn", !same);

  playButton.addEventListener("click", () => (player.playing ? player.pause() : player.play()));
  // dragging seeks as it goes; a frame's worth of input events is one seek
  let pending: number | undefined;
  seek.addEventListener("input", () => {
    if (pending !== undefined) return;
    pending = requestAnimationFrame(() => {
      pending = undefined;
      player.seek(seek.valueAsNumber);
    });
  });
  speed.addEventListener("change", () => (player.speed = Number(speed.value)));

  const started = new Date(stored.startedAt).toLocaleString();
  const names = stored.participants.map((p) => p.displayName).join(", ");
  const bar = h(
    "div",
    { class: "card replay-bar" },
    h("div", { class: "game-bar" }, h("h1", {}, `Replay · ${web.title}`), h("span", { class: "muted small", "data-testid": "replay-match" }, `match ${replay.matchId} · ${started} · ${replay.status}`)),
    h("p", { class: "muted small" }, names),
    h("div", { class: "replay-controls" }, playButton, seek, time, speed),
    check,
  );
  element.replaceChildren(bar, stage);
  player.seek(0);
  return player;
}
