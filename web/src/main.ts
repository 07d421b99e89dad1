/**
 * The arena browser client: sign in as a guest, pick a mode and its options, matchmake, play; watch
 * a live match from the Watch list; replay any stored match. It talks to the server this page was
 * served from, through @arena/client-sdk like any other client.
 */
import { ArenaError, MODES, MODE_NAMES, checkOptions, isModeName, type AnyModeRoom, type ModeName, type RoomOf, type RoomSummary } from "@arena/client-sdk";
import { h, setText } from "./dom.js";
import { historyPage } from "./history.js";
import { WEB_MODES } from "./modes/index.js";
import { optionsForm } from "./options-form.js";
import { partyPanel } from "./party.js";
import { rankedButton } from "./ranked.js";
import { replayPage } from "./replay/replay-page.js";
import { WATCH_HREF, historyHref, parseRoute } from "./routes.js";
import { rememberedName, rememberedPlayerId, signIn, type Session } from "./session.js";
import { showError } from "./toast.js";
import { roomSource, type ModeView, type ViewContext } from "./view.js";
import { watchPage } from "./watch.js";

const MODE_KEY = "arena.mode";

const app = document.getElementById("app") as HTMLElement;
const playerChip = document.getElementById("player") as HTMLElement;

/** What the current page must stop when another one replaces it (a room to leave, a replay to stop). */
let leavePage: (() => void) | undefined;

function showPage(element: HTMLElement, leave?: () => void): void {
  leavePage?.();
  leavePage = leave;
  app.replaceChildren(element);
}

/** Goes to the page of `hash` (the same one again, too: e.g. back to the Watch list after watching from it). */
function go(hash: string): void {
  if (location.hash === hash) route();
  else location.hash = hash;
}

const toLobby = () => go("");

function signedIn(session: Session): void {
  setText(playerChip, `${session.auth.name} · ${session.auth.playerId.slice(0, 8)}`);
  playerChip.title = `player id ${session.auth.playerId}`;
}

function storedMode(): ModeName {
  try {
    const stored = localStorage.getItem(MODE_KEY) ?? "";
    return isModeName(stored) ? stored : MODE_NAMES[0]!;
  } catch {
    return MODE_NAMES[0]!;
  }
}

function showLobby(): void {
  const myId = rememberedPlayerId();
  const name = h("input", { type: "text", maxlength: 24, required: true, value: rememberedName(), placeholder: "your name", "data-testid": "name-input", autocomplete: "nickname" });

  const forms = Object.fromEntries(MODE_NAMES.map((m) => [m, optionsForm(m, WEB_MODES[m].options)])) as Record<ModeName, ReturnType<typeof optionsForm>>;

  let mode = storedMode();
  const modeButtons = MODE_NAMES.map((m) => {
    const radio = h("input", { type: "radio", name: "mode", value: m, checked: m === mode });
    radio.addEventListener("change", () => select(m));
    return h("label", { class: "mode-card", "data-testid": `mode-${m}` }, radio, h("strong", {}, WEB_MODES[m].title), h("span", { class: "muted small" }, WEB_MODES[m].blurb));
  });
  const select = (m: ModeName) => {
    mode = m;
    for (const [key, form] of Object.entries(forms)) form.element.hidden = key !== m;
    try {
      localStorage.setItem(MODE_KEY, m);
    } catch {
      // not remembered
    }
  };
  select(mode);

  const status = h("p", { class: "muted", "data-testid": "lobby-status" });
  const play = h("button", { type: "submit", class: "primary big", "data-testid": "play-button" }, "Play");
  const enter = async () => {
    const session = await signIn(name.value);
    signedIn(session);
    return session;
  };
  const playRanked = (room: AnyModeRoom, session: Session) => showGame(room, { playerId: session.auth.playerId, name: session.auth.name, exit: () => {} });
  const choose = () => {
    const parsed = checkOptions(MODES[mode], forms[mode].read());
    return parsed.success ? { mode, options: parsed.data as Record<string, unknown> } : { error: parsed.message };
  };
  const ranked = rankedButton({ choose, signIn: enter, status, play: playRanked });
  const party = partyPanel({ mode: () => mode, signIn: enter, queueHost: ranked.panel, play: playRanked });
  const form = h(
    "form",
    { class: "card lobby", "data-testid": "lobby" },
    h("h1", {}, "Play arena"),
    h("label", { class: "field" }, h("span", {}, "Display name"), name),
    h("fieldset", { class: "modes" }, h("legend", {}, "Mode"), ...modeButtons),
    h("fieldset", { class: "mode-options" }, h("legend", {}, "Options"), ...Object.values(forms).map((f) => f.element)),
    h("div", { class: "actions" }, play, ranked.button, status),
    ranked.panel,
    party,
    h(
      "p",
      { class: "muted small" },
      h("a", { href: WATCH_HREF, "data-testid": "watch-link" }, "Watch a live match"),
      ...(myId ? [" · ", h("a", { href: historyHref(myId), "data-testid": "my-matches-link" }, "Your matches and replays")] : []),
      " · Leaderboards: ",
      ...MODE_NAMES.flatMap((m, i) => [i > 0 ? " · " : "", h("a", { href: `/leaderboards/${m}`, target: "_blank", rel: "noopener" }, m)]),
    ),
  );

  /** The chosen mode's options, checked with the same schema the server uses, ready to join with. */
  const prepare = (): Prepared => {
    const chosen = mode;
    const parsed = checkOptions(MODES[chosen], forms[chosen].read());
    if (!parsed.success) return { error: parsed.message };
    return { join: (client) => client.join(chosen, parsed.data as never) as Promise<AnyModeRoom> };
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const ready = prepare();
    if ("error" in ready) {
      setText(status, `Check the options: ${ready.error}`);
      return;
    }
    play.disabled = true;
    void (async () => {
      try {
        setText(status, "Signing in…");
        const session = await enter();
        setText(status, `Finding a ${mode}…`);
        const joined = await ready.join(session.client);
        showGame(joined, { playerId: session.auth.playerId, name: session.auth.name, exit: () => {} });
      } catch (error) {
        const failure = ArenaError.from(error);
        showError(failure.code, failure.message);
        setText(status, `${failure.code}: ${failure.message}`);
        play.disabled = false;
      }
    })();
  });

  showPage(form);
  if (!name.value) name.focus();
}

type Prepared = { join: (client: Awaited<ReturnType<typeof signIn>>["client"]) => Promise<AnyModeRoom> } | { error: string };

function mountView<M extends ModeName>(room: RoomOf<M>, ctx: ViewContext): ModeView {
  return (WEB_MODES[room.mode as M] as { view(source: ReturnType<typeof roomSource<M>>, context: ViewContext): ModeView }).view(roomSource(room), ctx);
}

/** A room the page plays in, or watches (a spectator's room: the same view, without controls). */
function showGame(room: AnyModeRoom, base: ViewContext): void {
  const mode = room.mode;
  let view: ModeView | undefined;
  let left = false;
  const leaveRoom = () => {
    if (left) return;
    left = true;
    view?.dispose();
    void room.leave().catch(() => undefined);
  };
  const back = room.spectator ? () => go(WATCH_HREF) : toLobby;
  const exit = () => {
    leaveRoom();
    back();
  };
  const ctx: ViewContext = { ...base, exit, ...(room.spectator ? { exitLabel: "Back to the Watch list" } : {}) };
  view = mountView(room, ctx);
  const leave = h("button", { type: "button", class: "ghost", "data-testid": "leave-button" }, room.spectator ? "Stop watching" : "Leave");
  leave.addEventListener("click", exit);
  const bar = h(
    "div",
    { class: "game-bar" },
    h("h1", {}, WEB_MODES[mode].title, room.spectator ? h("span", { class: "tag", "data-testid": "spectating" }, "watching") : null),
    h("span", { class: "muted small", "data-testid": "room-id" }, `room ${room.roomId}`),
    h("span", { class: "spacer" }),
    leave,
  );
  showPage(h("div", { class: "game", "data-testid": "game", "data-mode": mode }, bar, view.element), leaveRoom);
}

/** Spectates a room from the Watch list (a guest token is needed, as for playing). */
async function watchRoom(summary: RoomSummary): Promise<void> {
  if (!isModeName(summary.mode)) return;
  try {
    const session = await signIn(rememberedName() || "spectator");
    signedIn(session);
    const room = await session.client.spectate(summary.roomId, summary.mode);
    showGame(room as AnyModeRoom, { playerId: session.auth.playerId, name: session.auth.name, exit: () => {} });
  } catch (error) {
    const failure = ArenaError.from(error);
    showError(failure.code, failure.message);
  }
}

function route(): void {
  const target = parseRoute(location.hash);
  switch (target.page) {
    case "watch":
      showPage(watchPage({ watch: (room) => void watchRoom(room), back: toLobby }));
      return;
    case "history":
      showPage(historyPage(target.playerId, toLobby));
      return;
    case "replay": {
      const page = replayPage(target.matchId, target.as, { playerId: rememberedPlayerId() ?? "", name: rememberedName(), exit: toLobby });
      showPage(page.element, page.dispose);
      return;
    }
    case "lobby":
      showLobby();
  }
}

window.addEventListener("hashchange", route);
route();
