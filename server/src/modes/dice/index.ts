/** Liar's dice, as the server runs it: its settings and lobby, and which seats a human may take. */
import { diceAnnouncements } from "@arena/shared/modes/dice/announce";
import { dice } from "@arena/shared/modes/dice/contract";
import { diceProjection } from "@arena/shared/modes/dice/projection";
import { diceRules, seatsWithBots, type DiceSettings } from "@arena/shared/modes/dice/rules";
import { z } from "zod";
import { defineConfigSection, defineServerMode } from "../../kit/server-mode.js";

const config = defineConfigSection({
  env: {
    DICE_LOBBY_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000).describe("How long a dice lobby waits for more humans after the first one joined; then bots take the free seats."),
    DICE_TURN_MS: z.coerce.number().int().min(100).max(600_000).default(30_000).describe("Time for one dice turn; then the seat's bot plays it."),
    DICE_REVEAL_MS: z.coerce.number().int().min(0).max(60_000).default(3_000).describe("How long the dice of a challenged round stay revealed before the next roll."),
    DICE_BOT_THINK_MS: z.coerce.number().int().min(0).max(60_000).default(1_500).describe("A dice bot moves after 50–100 % of this."),
  },
  read: (env) => ({ lobbyTimeoutMs: env.DICE_LOBBY_TIMEOUT_MS, turnMs: env.DICE_TURN_MS, revealMs: env.DICE_REVEAL_MS, botThinkMs: env.DICE_BOT_THINK_MS }),
});

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

  ...diceAnnouncements,
});
