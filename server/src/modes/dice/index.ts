/** Liar's dice, as the server runs it: its settings and lobby, what it tells each seat, its result message. */
import { dice, type DiceFinishedPayload, type DiceTurnPayload } from "@arena/shared/modes/dice/contract";
import { diceProjection } from "@arena/shared/modes/dice/projection";
import { diceRules, seatsIn, seatsWithBots, totalDice, type DiceEvent, type DiceMatch, type DiceSettings } from "@arena/shared/modes/dice/rules";
import { z } from "zod";
import { defineConfigSection, defineServerMode, type Announcer } from "../../kit/server-mode.js";

const config = defineConfigSection({
  env: {
    DICE_LOBBY_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000).describe("How long a dice lobby waits for more humans after the first one joined; then bots take the free seats."),
    DICE_TURN_MS: z.coerce.number().int().min(100).max(600_000).default(30_000).describe("Time for one dice turn; then the seat's bot plays it."),
    DICE_REVEAL_MS: z.coerce.number().int().min(0).max(60_000).default(3_000).describe("How long the dice of a challenged round stay revealed before the next roll."),
    DICE_BOT_THINK_MS: z.coerce.number().int().min(0).max(60_000).default(1_500).describe("A dice bot moves after 50–100 % of this."),
  },
  read: (env) => ({ lobbyTimeoutMs: env.DICE_LOBBY_TIMEOUT_MS, turnMs: env.DICE_TURN_MS, revealMs: env.DICE_REVEAL_MS, botThinkMs: env.DICE_BOT_THINK_MS }),
});

type DiceAnnouncer = Announcer<typeof dice>;

function turnOf(match: DiceMatch): DiceTurnPayload {
  return {
    round: match.round,
    seat: match.turn,
    bid: match.bid ? { ...match.bid } : null,
    timeLeftMs: Math.max(0, Math.round(match.turnEndsAt - match.now)),
    diceCounts: match.seats.map((seat) => seat.count),
    totalDice: totalDice(match),
  };
}

function roll(match: DiceMatch, seat: number, announce: DiceAnnouncer): void {
  const dice = match.seats[seat]?.dice ?? [];
  if (dice.length > 0) announce.toSeat(seat, "roll", { round: match.round, seat, dice: dice.slice() });
}

export const diceMode = defineServerMode({
  contract: dice,
  rules: diceRules,
  projection: diceProjection,
  config,

  settings: (options, { section }): DiceSettings => ({
    maxPlayers: options.maxPlayers,
    dice: options.dice,
    turnMs: section.turnMs,
    revealMs: section.revealMs,
    botThinkMs: section.botThinkMs,
  }),

  lobby: (settings, { section }) => ({
    seats: settings.maxPlayers,
    minPlayers: 1,
    waitMs: section.lobbyTimeoutMs,
    bots: true,
  }),

  // bots take the seats a short group leaves free
  queue: { partyMax: 3, plan: (options) => ({ seats: options.maxPlayers, teams: 1, minHumans: 1 }) },

  openSeats: seatsWithBots,

  started(match: DiceMatch, announce) {
    for (const seat of seatsIn(match)) roll(match, seat, announce);
    announce.broadcast("turn", turnOf(match));
  },

  // a late timer may play several turns, even rounds, in one step: every reveal goes out, then the
  // dice and the turn as they stand at its end
  announce(events: readonly DiceEvent[], match, announce) {
    for (const event of events) if (event.type === "reveal") announce.broadcast("reveal", event.reveal);
    if (match.phase !== "bidding") return;
    if (events.some((event) => event.type === "round")) for (const seat of seatsIn(match)) roll(match, seat, announce);
    if (events.some((event) => event.type === "turn")) announce.broadcast("turn", turnOf(match));
  },

  welcome(seat, { state: match }, announce) {
    if (!match || match.phase === "over") return;
    roll(match, seat, announce);
    if (match.phase === "bidding") announce.toSeat(seat, "turn", turnOf(match));
  },

  finished: (outcome, { matchId, state: match, sessionOf }): DiceFinishedPayload => ({
    matchId,
    status: outcome.status,
    reason: outcome.reason,
    rounds: match.round,
    standings: outcome.standings.map((s) => ({
      seat: s.seat,
      sessionId: s.isBot ? "" : (sessionOf(s.playerId) ?? ""),
      playerId: s.playerId,
      name: s.name,
      isBot: s.isBot,
      placement: s.placement,
      score: s.score,
      leftEarly: s.leftEarly,
      diceLost: Number(s.details.diceLost ?? 0),
    })),
  }),
});
