/** Quiz: status and countdown, the question with answer buttons or a number field, scores, and the reveal. */
import type { QuizRoom } from "@arena/client-sdk";
import type { QuizFinishedPayload, QuizQuestionView, QuizRoundResultPayload, QuizState } from "@arena/shared/modes/quiz/contract";
import { bar, h, hudItem, hudValue, ordinal, rebuild, seconds, setBar, setText, table, titledCard, type Child } from "../../dom.js";
import { resultPanel, watchRoom, type ModeView, type ViewContext } from "../../view.js";

/** Numbers as people write them: no float noise, thousands grouped. */
export function formatNumber(value: number): string {
  // years (1989) read better without a separator; large quantities (384,400) with one
  return value.toLocaleString("en-US", { maximumFractionDigits: 3, useGrouping: Math.abs(value) >= 10_000 });
}

function answerText(question: Pick<QuizQuestionView, "kind" | "options">, answer: number): string {
  return question.kind === "choice" ? (question.options[answer] ?? `option ${answer + 1}`) : formatNumber(answer);
}

export function quizView(room: QuizRoom, ctx: ViewContext): ModeView {
  const mine = new Map<number, number>();
  const roundResults = new Map<number, QuizRoundResultPayload>();
  let finished: QuizFinishedPayload | undefined;
  let windowMs = 0;
  let windowKey = "";

  const status = h("span", { class: "chip", "data-testid": "quiz-status" }, "waiting");
  const roundText = hudValue("quiz-round");
  const countdownText = hudValue("quiz-countdown");
  const countdownBar = bar(0, "#6366f1");
  const hud = h("div", { class: "hud" }, hudItem("Status", status), hudItem("Round", roundText), hudItem("Time left", countdownText, { bar: countdownBar, wide: true }));
  const question = h("section", { class: "card question", "data-testid": "quiz-question" });
  const playersBody = h("div", { "data-testid": "quiz-players" });
  const players = titledCard("Players", playersBody, "card players");
  const main = h("div", { class: "quiz-main" }, question, players);
  const element = h("div", { class: "mode-view quiz-view", "data-testid": "quiz-view" }, hud, main);

  const answer = (value: number) => {
    const state = room.state;
    if (state.status !== "question" || mine.has(state.round)) return;
    mine.set(state.round, value);
    room.send("answer", { answer: value, round: state.round });
    render(state);
  };

  const onKey = (event: KeyboardEvent) => {
    const state = room.state;
    if (!state || state.status !== "question" || state.question.kind !== "choice") return;
    if (event.target instanceof HTMLElement && event.target.closest("input, select, textarea")) return;
    const index = Number(event.key) - 1;
    if (Number.isInteger(index) && index >= 0 && index < state.question.options.length) answer(index);
  };
  window.addEventListener("keydown", onKey);

  const unwatch = watchRoom(room, () => finished !== undefined || room.state?.status === "finished");
  room.on("round_result", (result) => {
    roundResults.set(result.round, result);
    render(room.state);
  });
  room.on("finished", (payload) => {
    finished = payload;
    render(room.state);
  });
  const offState = room.onStateChange((state) => render(state));

  function render(state: QuizState | undefined): void {
    if (!state?.question) return;
    setText(status, state.status.replaceAll("_", " "));
    status.dataset.status = state.status;
    setText(roundText, state.round > 0 ? `${state.round} of ${state.totalRounds}` : `${state.totalRounds} rounds`);
    const key = `${state.status}:${state.round}`;
    if (key !== windowKey) {
      windowKey = key;
      windowMs = state.countdownMs;
    }
    windowMs = Math.max(windowMs, state.countdownMs);
    setText(countdownText, state.countdownMs > 0 ? seconds(state.countdownMs, 1) : "–");
    setBar(countdownBar, windowMs > 0 ? state.countdownMs / windowMs : 0);

    const q = state.question;
    const result = roundResults.get(state.round);
    rebuild(question, [state.status, state.round, q.id, q.revealed, mine.get(state.round), result ? 1 : 0, finished ? 1 : 0, state.status === "waiting_for_players" ? state.players.size : ""].join(":"), () =>
      questionCard(state, result),
    );
    rebuild(
      playersBody,
      [...state.players.entries()].map(([id, p]) => `${id}:${p.name}:${p.score}:${p.answered}:${p.roundPoints}:${p.connected}:${p.left}`).join("|") + state.status,
      () => [playersTable(state)],
    );
  }

  function questionCard(state: QuizState, result: QuizRoundResultPayload | undefined): Child[] {
    if (finished) return [finishedPanel(finished)];
    if (state.status === "waiting_for_players") {
      return [h("h2", {}, "Waiting for players"), h("p", { class: "muted" }, `${state.players.size} in, ${state.minPlayers} needed to start (up to ${state.maxPlayers}).`)];
    }
    if (state.status === "players_joining") {
      return [h("h2", {}, "Get ready"), h("p", { class: "muted" }, `The quiz starts in a moment · ${state.totalRounds} rounds · category: ${state.category}.`)];
    }
    const q = state.question;
    const picked = mine.get(state.round);
    const revealed = q.revealed;
    const parts: Child[] = [
      h("div", { class: "question-meta" }, h("span", { class: "tag" }, q.category), h("span", { class: "muted" }, q.kind === "choice" ? "pick one" : "closest number wins")),
      h("h2", { "data-testid": "quiz-prompt" }, q.prompt),
    ];
    if (q.kind === "choice") {
      const options = h("div", { class: "options" });
      q.options.forEach((option, index) => {
        const classes = ["option"];
        if (picked === index) classes.push("picked");
        if (revealed && index === q.correctIndex) classes.push("correct");
        if (revealed && picked === index && index !== q.correctIndex) classes.push("wrong");
        const button = h(
          "button",
          { type: "button", class: classes.join(" "), "data-testid": "quiz-option", "data-index": index, disabled: state.status !== "question" || picked !== undefined },
          h("span", { class: "key" }, index + 1),
          option,
        );
        button.addEventListener("click", () => answer(index));
        options.append(button);
      });
      parts.push(options);
    } else {
      const input = h("input", { type: "number", step: "any", min: q.minValue, max: q.maxValue, "data-testid": "quiz-number", "aria-label": "your answer", placeholder: `${formatNumber(q.minValue)} – ${formatNumber(q.maxValue)}` });
      const submit = h("button", { type: "submit", class: "primary", "data-testid": "quiz-submit" }, "Answer");
      const hint = h("span", { class: "muted small" }, `between ${formatNumber(q.minValue)} and ${formatNumber(q.maxValue)}`);
      const form = h("form", { class: "number-form" }, input, submit, hint);
      if (state.status !== "question" || picked !== undefined) {
        input.disabled = true;
        submit.disabled = true;
        if (picked !== undefined) input.value = String(picked);
      }
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const value = input.valueAsNumber;
        if (!Number.isFinite(value) || value < q.minValue || value > q.maxValue) {
          setText(hint, `enter a number between ${formatNumber(q.minValue)} and ${formatNumber(q.maxValue)}`);
          hint.classList.add("warn");
          return;
        }
        answer(value);
      });
      parts.push(form);
      if (state.status === "question" && picked === undefined) queueMicrotask(() => input.focus());
    }
    if (picked !== undefined && !revealed) parts.push(h("p", { class: "muted", "data-testid": "quiz-answered" }, `You answered ${answerText(q, picked)} · waiting for the others…`));
    if (revealed) parts.push(revealPanel(state, result));
    return parts;
  }

  function revealPanel(state: QuizState, result: QuizRoundResultPayload | undefined): HTMLElement {
    const q = state.question;
    const correct = q.kind === "choice" ? answerText(q, q.correctIndex) : formatNumber(q.target);
    const me = state.players.get(room.sessionId);
    const rows = (result?.answers ?? []).map((a) => ({
      cells: [
        a.name,
        answerText(q, a.answer),
        seconds(a.responseTimeMs, 1),
        a.correct || result?.winnerSessionId === a.sessionId ? "✓" : "✗",
        `+${a.points}`,
      ],
      attrs: { "data-testid": "quiz-round-answer", "data-name": a.name, class: a.sessionId === room.sessionId ? "me" : undefined },
    }));
    return h(
      "div",
      { class: "reveal", "data-testid": "quiz-reveal" },
      h("p", { class: "answer-line" }, "Answer: ", h("strong", { "data-testid": "quiz-correct", "data-answer": q.kind === "choice" ? q.correctIndex : q.target }, correct)),
      me ? h("p", {}, me.roundCorrect ? "Right! " : "Not this time. ", h("strong", { "data-testid": "quiz-my-points" }, `+${me.roundPoints}`), " points") : null,
      rows.length > 0 ? table(["Player", "Answer", "Time", "", "Points"], rows, {}, [2, 4]) : h("p", { class: "muted" }, "Nobody answered."),
    );
  }

  function playersTable(state: QuizState): HTMLElement {
    const entries = [...state.players.entries()].sort(([, a], [, b]) => b.score - a.score);
    const rows = entries.map(([id, p]) => {
      const mark = p.left ? "left" : !p.connected ? "offline" : state.status === "question" ? (p.answered ? "✓ answered" : "thinking…") : state.status === "reveal" ? `+${p.roundPoints}` : "";
      return {
        cells: [h("span", {}, p.name, id === room.sessionId ? h("span", { class: "tag" }, "you") : null), mark, h("span", { "data-testid": "quiz-score" }, p.score)],
        attrs: { "data-testid": "quiz-player", "data-name": p.name, "data-answered": p.answered, class: id === room.sessionId ? "me" : undefined },
      };
    });
    return table(["Player", "", "Score"], rows, {}, [2]);
  }

  function finishedPanel(payload: QuizFinishedPayload): HTMLElement {
    const me = payload.standings.find((s) => s.sessionId === room.sessionId);
    const headline = me ? `You placed ${ordinal(me.placement)} with ${me.score} points` : "Quiz over";
    const rows = payload.standings.map((s) => ({
      cells: [ordinal(s.placement), s.name, s.correctAnswers, s.score],
      attrs: { "data-testid": "quiz-standing", "data-name": s.name, "data-place": s.placement, class: s.sessionId === room.sessionId ? "me" : undefined },
    }));
    const note = payload.status === "aborted" ? h("p", { class: "muted" }, `Ended early after ${payload.roundsPlayed} rounds.`) : null;
    return resultPanel("quiz", ctx, headline, h("div", {}, note, table(["Place", "Player", "Correct", "Score"], rows, { "data-testid": "quiz-standings" }, [2, 3])), "quiz-result");
  }

  render(room.state);
  return {
    element,
    dispose() {
      window.removeEventListener("keydown", onKey);
      offState();
      unwatch();
    },
  };
}
