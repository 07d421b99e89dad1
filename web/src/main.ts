/**
 * The arena browser client: sign in as a guest, pick a mode and its options, matchmake, play.
 * It talks to the server this page was served from, through @arena/client-sdk like any other client.
 */
import {
  ArenaError,
  GameMode,
  QUIZ_LIMITS,
  QuizJoinOptions,
  RACE_LIMITS,
  RaceJoinOptions,
  WAR_FACTIONS,
  WAR_LIMITS,
  WarJoinOptions,
  describeIssues,
  type ArenaClient,
  type QuizRoom,
  type RaceRoom,
  type WarRoom,
} from "@arena/client-sdk";
import { h, setText } from "./dom.js";
import { quizView } from "./quiz-view.js";
import { raceView } from "./race-view.js";
import { rememberedName, signIn } from "./session.js";
import { showError } from "./toast.js";
import type { ModeView, ViewContext } from "./view.js";
import { warView } from "./war-view.js";

const MODE_KEY = "arena.mode";
const QUIZ_CATEGORIES = ["any", "geography", "history", "science", "sport"];

const MODES: Record<GameMode, { title: string; blurb: string }> = {
  race: { title: "Race", blurb: "Lanes, obstacles and boost pads. First over the line wins." },
  quiz: { title: "Quiz", blurb: "Multiple-choice and number questions, against the clock." },
  war: { title: "War", blurb: "Factions fight over a map of zones; bots fill free seats." },
};

const app = document.getElementById("app") as HTMLElement;
const playerChip = document.getElementById("player") as HTMLElement;

interface NumberField {
  input: HTMLInputElement;
  element: HTMLElement;
}

function numberField(label: string, testid: string, min: number, max: number, value: number, step = 1): NumberField {
  const input = h("input", { type: "number", min, max, step, value, "data-testid": testid, required: true });
  return { input, element: h("label", { class: "field" }, h("span", {}, label), input) };
}

function selectField(label: string, testid: string, options: Array<[string, string]>): { select: HTMLSelectElement; element: HTMLElement } {
  const select = h("select", { "data-testid": testid }, ...options.map(([value, text]) => h("option", { value }, text)));
  return { select, element: h("label", { class: "field" }, h("span", {}, label), select) };
}

function storedMode(): GameMode {
  try {
    const parsed = GameMode.safeParse(localStorage.getItem(MODE_KEY));
    return parsed.success ? parsed.data : "race";
  } catch {
    return "race";
  }
}

function showLobby(): void {
  const name = h("input", { type: "text", maxlength: 24, required: true, value: rememberedName(), placeholder: "your name", "data-testid": "name-input", autocomplete: "nickname" });

  const race = {
    length: numberField("Track length (m)", "opt-race-length", RACE_LIMITS.minTrackLength, RACE_LIMITS.maxTrackLength, 300, 10),
    players: numberField("Racers", "opt-race-players", RACE_LIMITS.minPlayers, RACE_LIMITS.maxPlayers, 2),
    lanes: numberField("Lanes", "opt-race-lanes", RACE_LIMITS.minLanes, RACE_LIMITS.maxLanes, 4),
  };
  const quiz = {
    rounds: numberField("Rounds", "opt-quiz-rounds", QUIZ_LIMITS.minRounds, QUIZ_LIMITS.maxRounds, 5),
    min: numberField("Start with", "opt-quiz-min", QUIZ_LIMITS.minPlayers, QUIZ_LIMITS.maxPlayers, 2),
    max: numberField("Up to", "opt-quiz-players", QUIZ_LIMITS.minPlayers, QUIZ_LIMITS.maxPlayers, 4),
    category: selectField("Category", "opt-quiz-category", QUIZ_CATEGORIES.map((c) => [c, c])),
  };
  const war = {
    factions: numberField("Factions", "opt-war-factions", WAR_LIMITS.minFactions, WAR_LIMITS.maxFactions, 2),
    players: numberField("Seats (humans + bots)", "opt-war-players", WAR_LIMITS.minPlayers, WAR_LIMITS.maxPlayers, 4),
    faction: selectField("Your faction", "opt-war-faction", [["", "any"], ...WAR_FACTIONS.map((f): [string, string] => [f.id, f.name])]),
    time: numberField("Time limit (s)", "opt-war-time", 0, WAR_LIMITS.maxTimeLimitS, 120, 5),
  };
  const optionSets: Record<GameMode, HTMLElement> = {
    race: h("div", { class: "options-row", "data-mode": "race" }, race.length.element, race.players.element, race.lanes.element),
    quiz: h("div", { class: "options-row", "data-mode": "quiz" }, quiz.rounds.element, quiz.min.element, quiz.max.element, quiz.category.element),
    war: h("div", { class: "options-row", "data-mode": "war" }, war.factions.element, war.players.element, war.faction.element, war.time.element),
  };

  let mode = storedMode();
  const modeButtons = GameMode.options.map((m) => {
    const radio = h("input", { type: "radio", name: "mode", value: m, checked: m === mode });
    radio.addEventListener("change", () => select(m));
    return h("label", { class: "mode-card", "data-testid": `mode-${m}` }, radio, h("strong", {}, MODES[m].title), h("span", { class: "muted small" }, MODES[m].blurb));
  });
  const select = (m: GameMode) => {
    mode = m;
    for (const [key, set] of Object.entries(optionSets)) set.hidden = key !== m;
    try {
      localStorage.setItem(MODE_KEY, m);
    } catch {
      // not remembered
    }
  };
  select(mode);

  const status = h("p", { class: "muted", "data-testid": "lobby-status" });
  const play = h("button", { type: "submit", class: "primary big", "data-testid": "play-button" }, "Play");
  const form = h(
    "form",
    { class: "card lobby", "data-testid": "lobby" },
    h("h1", {}, "Play arena"),
    h("label", { class: "field" }, h("span", {}, "Display name"), name),
    h("fieldset", { class: "modes" }, h("legend", {}, "Mode"), ...modeButtons),
    h("fieldset", { class: "mode-options" }, h("legend", {}, "Options"), ...Object.values(optionSets)),
    h("div", { class: "actions" }, play, status),
    h(
      "p",
      { class: "muted small" },
      "Leaderboards: ",
      ...GameMode.options.flatMap((m, i) => [i > 0 ? " · " : "", h("a", { href: `/leaderboards/${m}`, target: "_blank", rel: "noopener" }, m)]),
    ),
  );

  const n = (field: NumberField) => field.input.valueAsNumber;
  /** The chosen mode's options, checked with the same schemas the server uses, ready to join with. */
  const prepare = (): Prepared => {
    if (mode === "race") {
      return prepared(RaceJoinOptions.safeParse({ trackLength: n(race.length), maxPlayers: n(race.players), lanes: n(race.lanes) }), async (client, o) => ({ mode: "race", room: await client.joinRace(o) }));
    }
    if (mode === "quiz") {
      const options = { rounds: n(quiz.rounds), minPlayers: n(quiz.min), maxPlayers: n(quiz.max), category: quiz.category.select.value };
      return prepared(QuizJoinOptions.safeParse(options), async (client, o) => ({ mode: "quiz", room: await client.joinQuiz(o) }));
    }
    const faction = war.faction.select.value;
    const options = { factions: n(war.factions), maxPlayers: n(war.players), timeLimit: n(war.time), ...(faction ? { faction } : {}) };
    return prepared(WarJoinOptions.safeParse(options), async (client, o) => ({ mode: "war", room: await client.joinWar(o) }));
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
        const session = await signIn(name.value);
        setText(playerChip, `${session.auth.name} · ${session.auth.playerId.slice(0, 8)}`);
        playerChip.title = `player id ${session.auth.playerId}`;
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

type Joined = { mode: "race"; room: RaceRoom } | { mode: "quiz"; room: QuizRoom } | { mode: "war"; room: WarRoom };
type Prepared = { join: (client: ArenaClient) => Promise<Joined> } | { error: string };
type Parsed<T> = { success: true; data: T } | { success: false; error: Parameters<typeof describeIssues>[0] };

function prepared<T>(parsed: Parsed<T>, join: (client: ArenaClient, options: T) => Promise<Joined>): Prepared {
  return parsed.success ? { join: (client) => join(client, parsed.data) } : { error: describeIssues(parsed.error) };
}

function mountView(joined: Joined, ctx: ViewContext): ModeView {
  switch (joined.mode) {
    case "race":
      return raceView(joined.room, ctx);
    case "quiz":
      return quizView(joined.room, ctx);
    case "war":
      return warView(joined.room, ctx);
  }
}

function showGame(joined: Joined, base: ViewContext): void {
  const { mode, room } = joined;
  let view: ModeView | undefined;
  const exit = () => {
    view?.dispose();
    void room.leave().catch(() => undefined);
    showLobby();
  };
  const ctx: ViewContext = { ...base, exit };
  view = mountView(joined, ctx);
  const leave = h("button", { type: "button", class: "ghost", "data-testid": "leave-button" }, "Leave");
  leave.addEventListener("click", exit);
  const bar = h(
    "div",
    { class: "game-bar" },
    h("h1", {}, MODES[mode].title),
    h("span", { class: "muted small", "data-testid": "room-id" }, `room ${room.roomId}`),
    h("span", { class: "spacer" }),
    leave,
  );
  app.replaceChildren(h("div", { class: "game", "data-testid": "game", "data-mode": mode }, bar, view.element));
}

showLobby();
