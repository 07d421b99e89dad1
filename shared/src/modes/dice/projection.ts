/**
 * Liar's dice as clients see it: every seat's name and dice count, the bid, whose turn and its timer,
 * the last challenge. A seat's own dice are in a `.view()` field: only the client whose StateView
 * holds that seat's entry receives them (`privateTo`); everyone sees them once revealed.
 */
import type { ArraySchema } from "@colyseus/schema";
import type { Projection } from "../../kit/projection.js";
import { DicePlayer, DiceState, type DicePhase } from "./contract.js";
import { diceRules, type DiceMatch, type DiceSettings } from "./rules.js";

/** Writes `values` into a schema array only when they differ (no patch for an unchanged hand). */
function syncArray(target: ArraySchema<number>, values: readonly number[]): void {
  if (target.length === values.length && values.every((v, i) => target[i] === v)) return;
  target.splice(0, target.length);
  target.push(...values);
}

export const diceProjection: Projection<DiceSettings, DiceMatch, DiceState> = {
  lobbyCountdown: true,

  create(_seed, settings, matchId) {
    const state = new DiceState();
    state.matchId = matchId;
    state.maxPlayers = settings.maxPlayers;
    state.dicePerPlayer = settings.dice;
    state.turnMs = settings.turnMs;
    return state;
  },

  lobby(state, lobby) {
    state.phase = lobby.phase;
    state.startsInMs = Math.round(lobby.startsInMs);
    const present = new Set(lobby.seats.map((s) => s.key));
    for (const key of [...state.players.keys()]) if (!present.has(key)) state.players.delete(key);
    for (const seat of lobby.seats) {
      let player = state.players.get(seat.key);
      if (!player) state.players.set(seat.key, (player = new DicePlayer()));
      player.seat = seat.seat;
      player.name = seat.name;
      player.connected = seat.connected;
      player.diceCount = state.dicePerPlayer;
    }
    state.totalDice = lobby.seats.length * state.dicePerPlayer;
  },

  project(state, match, context) {
    const phase: DicePhase = match.phase === "over" ? "finished" : match.phase;
    if (state.phase !== phase) state.phase = phase;
    state.startsInMs = 0;
    state.round = match.round;
    state.turnSeat = match.phase === "bidding" ? match.turn : -1;
    const endsAt = match.phase === "bidding" ? match.turnEndsAt : match.phase === "reveal" ? match.revealEndsAt : context.now;
    state.timeLeftMs = Math.max(0, Math.round(endsAt - context.now));
    state.totalDice = match.seats.reduce((sum, seat) => sum + seat.count, 0);
    state.bid.quantity = match.bid?.quantity ?? 0;
    state.bid.face = match.bid?.face ?? 0;
    state.bid.seat = match.bid?.seat ?? -1;
    const reveal = match.reveal;
    if (reveal) {
      state.reveal.round = reveal.round;
      state.reveal.quantity = reveal.bid.quantity;
      state.reveal.face = reveal.bid.face;
      state.reveal.bidder = reveal.bid.seat;
      state.reveal.challenger = reveal.challenger;
      state.reveal.count = reveal.count;
      state.reveal.loser = reveal.loser;
    }
    const showing = reveal !== null && reveal.round === match.round && match.phase !== "bidding";
    const placements = match.phase === "over" ? new Map(diceRules.outcome(match).standings.map((s) => [s.playerId, s.placement])) : undefined;

    const keys = new Set<string>();
    match.seats.forEach((seat, index) => {
      const occupant = match.participants[seat.occupant]!;
      const key = context.keyOf(occupant.playerId, index);
      keys.add(key);
      let player = state.players.get(key);
      if (!player) state.players.set(key, (player = new DicePlayer()));
      player.seat = index;
      player.name = occupant.name;
      player.isBot = occupant.isBot;
      player.connected = context.connected(occupant.playerId);
      player.diceCount = seat.count;
      player.placement = placements?.get(occupant.playerId) ?? 0;
      syncArray(player.dice, seat.count > 0 ? seat.dice : []);
      syncArray(player.revealed, showing ? (reveal.dice[index] ?? []) : []);
    });
    // a seat that changed hands shows under its new key only
    if (state.players.size > keys.size) for (const key of [...state.players.keys()]) if (!keys.has(key)) state.players.delete(key);
  },

  privateTo(state, _match, seat) {
    return [...state.players.values()].filter((player) => player.seat === seat);
  },
};
