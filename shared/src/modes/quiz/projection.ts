/**
 * The quiz as clients see it: status, round and countdown, the open question's public fields, and
 * per player the score and whether they answered. The correct option, the target and anyone's
 * answer enter the state only once their round has closed.
 */
import type { LobbySeat, Projection } from "../../kit/projection.js";
import { QuizPlayer, QuizQuestionView, QuizState, type QuizStatus } from "./contract.js";
import { publicQuestion, revealedAnswer } from "./questions.js";
import type { QuizMatch, QuizSettings } from "./rules.js";

/** The countdown clients see moves in whole seconds: one patch a second, not one every patch (the `question` message carries the exact window). */
const COUNTDOWN_STEP_MS = 1000;

function countdown(leftMs: number, lengthMs: number): number {
  return Math.min(lengthMs, Math.ceil(Math.max(0, leftMs) / COUNTDOWN_STEP_MS) * COUNTDOWN_STEP_MS);
}

/** The join window of each room's state, for the lobby's countdown (the lobby view carries only what is left). */
const joinWindows = new WeakMap<QuizState, number>();

function lobbyPlayers(state: QuizState, seats: readonly LobbySeat[]): void {
  const present = new Set(seats.map((s) => s.key));
  for (const key of [...state.players.keys()]) if (!present.has(key)) state.players.delete(key);
  for (const seat of seats) {
    let player = state.players.get(seat.key);
    if (!player) state.players.set(seat.key, (player = new QuizPlayer()));
    player.name = seat.name;
    player.connected = seat.connected;
  }
}

function showQuestion(state: QuizState, match: QuizMatch): void {
  const question = match.settings.questions[match.round - 1];
  if (!question) return;
  if (state.question.id !== question.id) {
    const shown = publicQuestion(question);
    const view = new QuizQuestionView();
    view.id = shown.id;
    view.category = shown.category;
    view.kind = shown.kind;
    view.prompt = shown.prompt;
    view.options.push(...shown.options);
    view.minValue = shown.minValue;
    view.maxValue = shown.maxValue;
    state.question = view;
  }
  if (match.results[match.round - 1] && !state.question.revealed) {
    const { correctIndex, target } = revealedAnswer(question);
    state.question.revealed = true;
    if (correctIndex !== null) state.question.correctIndex = correctIndex;
    if (target !== null) state.question.target = target;
  }
}

export const quizProjection: Projection<QuizSettings, QuizMatch, QuizState> = {
  lobbyCountdown: true,

  create(_seed, settings) {
    const state = new QuizState();
    state.minPlayers = settings.minPlayers;
    state.maxPlayers = settings.maxPlayers;
    state.totalRounds = settings.rounds;
    state.category = settings.category;
    joinWindows.set(state, settings.joinWindowMs);
    return state;
  },

  lobby(state, lobby) {
    const starting = lobby.phase === "starting";
    state.status = (starting ? "players_joining" : "waiting_for_players") satisfies QuizStatus;
    state.countdownMs = starting ? countdown(lobby.startsInMs, joinWindows.get(state) ?? lobby.startsInMs) : 0;
    lobbyPlayers(state, lobby.seats);
  },

  project(state, match, context) {
    const { settings } = match;
    state.status = match.phase satisfies QuizStatus;
    state.round = match.round;
    const length = match.phase === "question" ? settings.answerWindowMs : match.phase === "reveal" ? settings.revealMs : 0;
    state.countdownMs = countdown(match.phaseEndsAt - context.now, length);
    showQuestion(state, match);
    // the round shown: its answers once it has closed, only who answered while it is open
    const result = match.results[match.round - 1];
    const keys = new Set<string>();
    for (const seat of match.players) {
      const key = context.keyOf(seat.playerId, seat.seat);
      keys.add(key);
      let player = state.players.get(key);
      if (!player) state.players.set(key, (player = new QuizPlayer()));
      const answer = result?.answers.find((a) => a.seat === seat.seat);
      player.name = seat.name;
      player.score = seat.score;
      player.correctAnswers = seat.correctAnswers;
      player.answered = result ? answer !== undefined : match.pending.some((a) => a.seat === seat.seat);
      player.roundPoints = answer?.points ?? 0;
      player.roundCorrect = answer?.correct ?? false;
      player.placement = seat.placement;
      player.connected = seat.connected;
      player.left = seat.left;
    }
    // a player who came back under a new session shows under that key only
    if (state.players.size > keys.size) for (const key of [...state.players.keys()]) if (!keys.has(key)) state.players.delete(key);
  },
};
