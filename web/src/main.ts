/**
 * The arena browser client: sign in as a guest, pick a mode and its options, matchmake, play.
 * It talks to the server this page was served from, through @arena/client-sdk like any other client.
 */
import { ArenaError, MODES, MODE_NAMES, checkOptions, isModeName, type AnyModeRoom, type ModeName, type RoomOf } from "@arena/client-sdk";
import { h, setText } from "./dom.js";
import { WEB_MODES } from "./modes/index.js";
import { optionsForm } from "./options-form.js";
import { partyPanel } from "./party.js";
import { rankedButton } from "./ranked.js";
import { rememberedName, signIn, type Session } from "./session.js";
import { showError } from "./toast.js";
import type { ModeView, ViewContext } from "./view.js";

const MODE_KEY = "arena.mode";

const app = document.getElementById("app") as HTMLElement;
const playerChip = document.getElementById("player") as HTMLElement;

function storedMode(): ModeName {
  try {
    const stored = localStorage.getItem(MODE_KEY) ?? "";
    return isModeName(stored) ? stored : MODE_NAMES[0]!;
  } catch {
    return MODE_NAMES[0]!;
  }
}

function showLobby(): void {
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
    setText(playerChip, `${session.auth.name} · ${session.auth.playerId.slice(0, 8)}`);
    playerChip.title = `player id ${session.auth.playerId}`;
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
      "Leaderboards: ",
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

  app.replaceChildren(form);
  if (!name.value) name.focus();
}

type Prepared = { join: (client: Awaited<ReturnType<typeof signIn>>["client"]) => Promise<AnyModeRoom> } | { error: string };

function mountView<M extends ModeName>(room: RoomOf<M>, ctx: ViewContext): ModeView {
  return (WEB_MODES[room.mode as M] as { view(room: RoomOf<M>, context: ViewContext): ModeView }).view(room, ctx);
}

function showGame(room: AnyModeRoom, base: ViewContext): void {
  const mode = room.mode;
  let view: ModeView | undefined;
  const exit = () => {
    view?.dispose();
    void room.leave().catch(() => undefined);
    showLobby();
  };
  const ctx: ViewContext = { ...base, exit };
  view = mountView(room, ctx);
  const leave = h("button", { type: "button", class: "ghost", "data-testid": "leave-button" }, "Leave");
  leave.addEventListener("click", exit);
  const bar = h(
    "div",
    { class: "game-bar" },
    h("h1", {}, WEB_MODES[mode].title),
    h("span", { class: "muted small", "data-testid": "room-id" }, `room ${room.roomId}`),
    h("span", { class: "spacer" }),
    leave,
  );
  app.replaceChildren(h("div", { class: "game", "data-testid": "game", "data-mode": mode }, bar, view.element));
}

showLobby();
