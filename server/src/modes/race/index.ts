/** The race, as the server runs it: its settings and lobby, what it stores. */
import { raceAnnouncements } from "@arena/shared/modes/race/announce";
import { race } from "@arena/shared/modes/race/contract";
import { raceProjection } from "@arena/shared/modes/race/projection";
import { raceRules, type RaceSettings } from "@arena/shared/modes/race/rules";
import { z } from "zod";
import { defineConfigSection, defineServerMode } from "../../kit/server-mode.js";
import { RaceInputLog } from "./input-log.js";

const config = defineConfigSection({
  env: {
    RACE_LOBBY_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000).describe("How long a race waits for more players once two are in."),
    RACE_COUNTDOWN_MS: z.coerce.number().int().min(0).max(60_000).default(3_000).describe("Countdown before the start signal."),
  },
  read: (env) => ({ lobbyTimeoutMs: env.RACE_LOBBY_TIMEOUT_MS, countdownMs: env.RACE_COUNTDOWN_MS }),
});

export const raceMode = defineServerMode({
  contract: race,
  rules: raceRules,
  projection: raceProjection,
  config,

  settings: (options, { config: server, section }): RaceSettings => ({
    trackLength: options.trackLength,
    lanes: options.lanes,
    maxPlayers: options.maxPlayers,
    tickRateHz: server.tickRateHz,
    countdownMs: section.countdownMs,
  }),

  lobby: (settings, { section }) => ({
    seats: settings.maxPlayers,
    minPlayers: 2,
    waitMs: section.lobbyTimeoutMs,
    bots: false,
  }),

  queue: { partyMax: 4, plan: (options) => ({ seats: options.maxPlayers, teams: 1, minHumans: 2 }) },

  inputLog: () => new RaceInputLog(),
  ...raceAnnouncements,
});
