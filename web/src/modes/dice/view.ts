/** Liar's dice: your dice, the table (everyone's dice count), the bid and whose turn, bid controls, the reveal and the standings. */
import type { RoomOf } from "@arena/client-sdk";
import { DICE_LIMITS, type DiceFinishedPayload, type DicePlayer, type DiceRevealPayload, type DiceState } from "@arena/shared/modes/dice/contract";
import { bar, h, hudItem, hudValue, ordinal, rebuild, seconds, setBar, setText, table, titledCard, type Child } from "../../dom.js";
import { resultPanel, watchRoom, type ModeView, type ViewContext } from "../../view.js";

type DiceRoom = RoomOf<"dice">;

const FACES = ["", "⚀", "⚁", "⚂", "⚃", "⚄", "⚅"];
const DIE_STYLE = "font-size:2.4rem;line-height:1;margin-right:0.15rem";
const SMALL_DIE_STYLE = "font-size:1.4rem;line-height:1;margin-right:0.05rem";
const HIDDEN_DIE = "▣";

function die(face: number, testid?: string, small = false): HTMLElement {
  return h("span", { class: "die", "data-testid": testid, "data-face": face, title: String(face), style: small ? SMALL_DIE_STYLE : DIE_STYLE }, FACES[face] ?? "?");
}

function bidText(bid: { quantity: number; face: number }): string {
  return `${bid.quantity} × ${FACES[bid.face]} (${bid.quantity} ${bid.face}${bid.quantity === 1 ? "" : "s"})`;
}

function seated(state: DiceState): Array<[string, DicePlayer]> {
  return [...state.players.entries()].sort(([, a], [, b]) => a.seat - b.seat);
}

export function diceView(room: DiceRoom, ctx: ViewContext): ModeView {
  let finished: DiceFinishedPayload | undefined;
  let lastReveal: DiceRevealPayload | undefined;

  const phase = h("span", { class: "chip", "data-testid": "dice-phase" }, "waiting");
  const roundText = hudValue("dice-round");
  const turnText = hudValue("dice-turn");
  const timerText = hudValue("dice-timer");
  const timerBar = bar(0, "#6366f1");
  const totalText = hudValue("dice-total");
  const hud = h(
    "div",
    { class: "hud" },
    hudItem("Phase", phase),
    hudItem("Round", roundText),
    hudItem("Turn", turnText),
    hudItem("Dice on the table", totalText),
    hudItem("Time left", timerText, { bar: timerBar, wide: true }),
  );

  const mine = h("div", { "data-testid": "dice-mine" });
  const bidNow = h("p", { class: "answer-line", "data-testid": "dice-bid" }, "No bid yet");
  const quantity = h("input", { type: "number", min: 1, max: DICE_LIMITS.maxPlayers * DICE_LIMITS.maxDice, value: 1, "data-testid": "dice-quantity", "aria-label": "quantity" });
  const face = h("select", { "data-testid": "dice-face", "aria-label": "face" }, ...[1, 2, 3, 4, 5, 6].map((f) => h("option", { value: f }, `${FACES[f]} ${f}`)));
  const bidButton = h("button", { type: "submit", class: "primary", "data-testid": "dice-bid-button" }, "Bid");
  const liarButton = h("button", { type: "button", "data-testid": "dice-liar-button" }, "Liar!");
  const hint = h("p", { class: "muted small", "data-testid": "dice-hint" });
  const controls = h("form", { class: "number-form", "data-testid": "dice-controls" }, quantity, face, bidButton, liarButton);
  const play = h("section", { class: "card question" }, h("h3", {}, "Your dice"), mine, bidNow, controls, hint);
  const tableBody = h("div", { "data-testid": "dice-players" });
  const revealBody = h("div", { "data-testid": "dice-reveal" });
  const side = h("div", { class: "war-side" }, titledCard("Table", tableBody), titledCard("Last challenge", revealBody));
  const main = h("div", { class: "quiz-main" }, play, side);
  const element = h("div", { class: "mode-view dice-view", "data-testid": "dice-view" }, hud, main);

  const me = (): DicePlayer | undefined => room.state?.players?.get(room.sessionId);
  const myTurn = (): boolean => {
    const state = room.state;
    const player = me();
    return !!state && !!player && state.phase === "bidding" && state.turnSeat === player.seat && player.diceCount > 0;
  };
  /** The smallest bid that beats the one on the table, on the face chosen. */
  const suggest = (state: DiceState) => {
    const chosen = Number(face.value) || 1;
    const last = state.bid.seat >= 0 ? state.bid : undefined;
    quantity.value = String(!last ? 1 : chosen > last.face ? last.quantity : last.quantity + 1);
  };

  controls.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!myTurn()) return;
    room.send("bid", { quantity: quantity.valueAsNumber, face: Number(face.value) });
  });
  liarButton.addEventListener("click", () => {
    if (myTurn()) room.send("liar", {});
  });
  face.addEventListener("change", () => room.state && suggest(room.state));

  const unwatch = watchRoom(room, () => finished !== undefined || room.state?.phase === "finished");
  room.on("reveal", (payload) => {
    lastReveal = payload;
    render(room.state);
  });
  room.on("finished", (payload) => {
    finished = payload;
    play.replaceWith(resultOf(payload));
    render(room.state);
  });
  let turnKey = "";
  const offState = room.onStateChange((state) => render(state));

  function render(state: DiceState | undefined): void {
    if (!state?.players) return;
    const player = me();
    setText(phase, state.phase);
    phase.dataset.phase = state.phase;
    setText(roundText, state.round > 0 ? String(state.round) : "–");
    const turnPlayer = seated(state).find(([, p]) => p.seat === state.turnSeat)?.[1];
    setText(turnText, state.phase === "bidding" && turnPlayer ? (turnPlayer === player ? "Yours" : turnPlayer.name) : state.phase === "starting" ? `starts in ${seconds(state.startsInMs, 0)}` : "–");
    turnText.dataset.mine = String(myTurn());
    setText(totalText, String(state.totalDice));
    setText(timerText, state.timeLeftMs > 0 ? seconds(state.timeLeftMs, 1) : "–");
    setBar(timerBar, state.phase === "bidding" && state.turnMs > 0 ? state.timeLeftMs / state.turnMs : 0);

    // a view field is absent until the server sends it
    const dice = player?.dice ? [...player.dice] : [];
    rebuild(mine, `${dice.join(",")}:${player?.diceCount ?? 0}`, () =>
      dice.length > 0
        ? dice.map((d) => die(d, "dice-my-die"))
        : [h("p", { class: "muted" }, player && player.diceCount === 0 && state.round > 0 ? "You are out of dice." : "Your dice appear when the round is rolled.")],
    );
    setText(bidNow, state.bid.seat >= 0 ? `${nameOf(state, state.bid.seat)} bids ${bidText(state.bid)}` : state.phase === "bidding" ? "No bid yet: open the round" : "–");
    const canPlay = myTurn();
    for (const control of [quantity, face, bidButton]) control.disabled = !canPlay;
    liarButton.disabled = !canPlay || state.bid.seat < 0;
    const key = `${state.round}:${state.turnSeat}:${state.bid.quantity}:${state.bid.face}`;
    if (canPlay && key !== turnKey) suggest(state);
    turnKey = key;
    setText(hint, canPlay ? "Your turn: raise the bid (more dice, or as many of a higher face) or call liar. Ones are not wild." : state.phase === "reveal" ? "Dice revealed: the next round starts in a moment." : "");

    rebuild(tableBody, seated(state).map(([id, p]) => `${id}:${p.name}:${p.diceCount}:${p.connected}:${p.placement}:${[...(p.revealed ?? [])].join("")}:${state.turnSeat}`).join("|"), () => [playersTable(state)]);
    rebuild(revealBody, lastReveal ? `${lastReveal.round}:${state.phase}` : "none", () => revealPanel(state));
  }

  function nameOf(state: DiceState, seat: number): string {
    const entry = seated(state).find(([, p]) => p.seat === seat);
    if (!entry) return `seat ${seat + 1}`;
    return entry[0] === room.sessionId ? "You" : entry[1].name;
  }

  function playersTable(state: DiceState): HTMLElement {
    const rows = seated(state).map(([id, p]) => {
      const shown: Child[] = p.revealed?.length > 0 ? [...p.revealed].map((d) => die(d, undefined, true)) : [HIDDEN_DIE.repeat(p.diceCount)];
      const status = p.placement > 0 ? ordinal(p.placement) : p.diceCount === 0 && state.round > 0 ? "out" : state.turnSeat === p.seat ? "to play" : !p.connected ? "offline" : "";
      return {
        cells: [
          h("span", {}, p.name, id === room.sessionId ? h("span", { class: "tag" }, "you") : null, p.isBot ? h("span", { class: "tag bot" }, "bot") : null),
          h("span", { "data-testid": "dice-count" }, p.diceCount),
          h("span", {}, ...shown),
          status,
        ],
        attrs: { "data-testid": "dice-player", "data-name": p.name, "data-seat": p.seat, class: id === room.sessionId ? "me" : undefined },
      };
    });
    return table(["Player", "Dice", "", ""], rows, {}, [1]);
  }

  function revealPanel(state: DiceState): Child[] {
    const reveal = lastReveal;
    if (!reveal) return [h("p", { class: "muted" }, "Nobody has called liar yet.")];
    const verdict = reveal.bidStood ? `The bid stood: ${nameOf(state, reveal.challenger)} lost a die.` : `It was a lie: ${nameOf(state, reveal.bid.seat)} lost a die.`;
    return [
      h("p", {}, `${nameOf(state, reveal.challenger)} called liar on ${bidText(reveal.bid)}. `, h("strong", { "data-testid": "dice-reveal-count", "data-count": reveal.count }, `${reveal.count} showed ${FACES[reveal.bid.face]}.`)),
      h("p", { "data-testid": "dice-reveal-verdict", "data-loser": reveal.loser }, verdict, reveal.eliminated ? " Out of dice." : ""),
    ];
  }

  function resultOf(payload: DiceFinishedPayload): HTMLElement {
    const mineStanding = payload.standings.find((s) => s.sessionId === room.sessionId);
    const headline = mineStanding
      ? h("span", {}, mineStanding.placement === 1 ? "You won! " : "You placed ", h("span", { "data-testid": "dice-my-place", "data-place": mineStanding.placement }, mineStanding.placement === 1 ? "1st" : ordinal(mineStanding.placement)))
      : "Match over";
    const rows = payload.standings.map((s) => ({
      cells: [ordinal(s.placement), h("span", {}, s.name, s.isBot ? h("span", { class: "tag bot" }, "bot") : null), s.diceLost, s.score],
      attrs: { "data-testid": "dice-standing", "data-name": s.name, "data-place": s.placement, class: s.sessionId === room.sessionId ? "me" : undefined },
    }));
    const note = payload.status === "aborted" ? h("p", { class: "muted" }, `Ended early after ${payload.rounds} rounds.`) : null;
    return resultPanel("dice", ctx, headline, h("div", {}, note, table(["Place", "Player", "Dice lost", "Score"], rows, { "data-testid": "dice-standings" }, [2, 3])), "dice-result");
  }

  // the turn timer counts down between patches
  const ticker = setInterval(() => render(room.state), 250);
  render(room.state);
  return {
    element,
    dispose() {
      clearInterval(ticker);
      offState();
      unwatch();
    },
  };
}
