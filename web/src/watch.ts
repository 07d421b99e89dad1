/** The "Watch" list: live rooms of every node (GET /rooms) by mode and phase, each a click away from its spectator view. */
import { ArenaError, MODE_NAMES, type RoomSummary, type RoomsResponse } from "@arena/client-sdk";
import { h, rebuild, setText, table } from "./dom.js";
import { ago } from "./history.js";
import { getJson } from "./http.js";
import { WEB_MODES } from "./modes/index.js";

const PAGE = 50;
const PHASES = [
  ["running", "running"],
  ["lobby", "in the lobby"],
  ["ended", "just ended"],
  ["", "any phase"],
] as const;

export interface WatchActions {
  /** Opens the spectator view of a room. */
  watch(room: RoomSummary): void;
  back(): void;
}

export function watchPage(actions: WatchActions): HTMLElement {
  const mode = h("select", { "data-testid": "watch-mode", "aria-label": "mode" }, h("option", { value: "" }, "every mode"), ...MODE_NAMES.map((m) => h("option", { value: m }, WEB_MODES[m].title)));
  const phase = h("select", { "data-testid": "watch-phase", "aria-label": "phase" }, ...PHASES.map(([value, text]) => h("option", { value }, text)));
  const refresh = h("button", { type: "button", "data-testid": "watch-refresh" }, "Refresh");
  const back = h("button", { type: "button", class: "ghost" }, "Back to lobby");
  const status = h("p", { class: "muted", "data-testid": "watch-status" }, "Loading…");
  const list = h("div", { "data-testid": "watch-list" });
  back.addEventListener("click", () => actions.back());

  const load = async () => {
    refresh.disabled = true;
    try {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (mode.value) query.set("mode", mode.value);
      if (phase.value) query.set("phase", phase.value);
      const page = await getJson<RoomsResponse>(`/rooms?${query}`);
      setText(status, page.total === 0 ? "No rooms like that right now." : `${page.total} room${page.total === 1 ? "" : "s"}${page.total > page.rooms.length ? `, the first ${page.rooms.length} shown` : ""} · updated ${new Date().toLocaleTimeString()}`);
      rebuild(list, JSON.stringify(page.rooms), () => [roomsTable(page.rooms)]);
    } catch (error) {
      const failure = ArenaError.from(error);
      setText(status, `Rooms unavailable (${failure.code}: ${failure.message})`);
    } finally {
      refresh.disabled = false;
    }
  };

  function roomsTable(rooms: RoomSummary[]): HTMLElement {
    const rows = rooms.map((room) => {
      const button = h("button", { type: "button", class: "primary", "data-testid": "watch-button" }, "Watch");
      button.addEventListener("click", () => actions.watch(room));
      return {
        cells: [WEB_MODES[room.mode as keyof typeof WEB_MODES]?.title ?? room.mode, room.phase, `${room.players} / ${room.seats}`, room.spectators, room.startedAt ? ago(room.startedAt) : "–", button],
        attrs: { "data-testid": "watch-room", "data-room-id": room.roomId, "data-mode": room.mode, "data-phase": room.phase },
      };
    });
    return table(["Mode", "Phase", "Players", "Spectators", "Started", ""], rows, {}, [3]);
  }

  for (const control of [mode, phase]) control.addEventListener("change", () => void load());
  refresh.addEventListener("click", () => void load());
  void load();
  return h(
    "section",
    { class: "card page", "data-testid": "watch" },
    h("div", { class: "game-bar" }, h("h1", {}, "Watch a match"), h("span", { class: "spacer" }), back),
    h("div", { class: "actions" }, mode, phase, refresh),
    status,
    list,
  );
}
