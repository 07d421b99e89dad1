/** The war, as the server runs it: its limits and lobby, the seat a player gets, how it queues, what it stores. */
import { warAnnouncements } from "@arena/shared/modes/war/announce";
import { WAR_FACTION_IDS, WAR_LIMITS, war } from "@arena/shared/modes/war/contract";
import { warProjection } from "@arena/shared/modes/war/projection";
import { warRules, type WarSettings } from "@arena/shared/modes/war/rules";
import { chooseSeat, wishedFaction } from "@arena/shared/modes/war/seats";
import { z } from "zod";
import { defineConfigSection, defineServerMode } from "../../kit/server-mode.js";
import { factionStandingsTable } from "./tables.js";

const config = defineConfigSection({
  env: {
    WAR_LOBBY_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe("How long a war lobby waits for more humans after the first one joined; then bots fill the free seats."),
    WAR_TIME_LIMIT_S: z.coerce.number().int().min(5).max(3600).default(600).describe("Length of a war match in seconds; join options may ask for less."),
    WAR_SCORE_LIMIT: z.coerce.number().int().min(5).max(100_000).default(1000).describe("Score that wins a war match; join options may ask for less."),
  },
  read: (env) => ({ lobbyTimeoutMs: env.WAR_LOBBY_TIMEOUT_MS, timeLimitS: env.WAR_TIME_LIMIT_S, scoreLimit: env.WAR_SCORE_LIMIT }),
});

/** A join option lowers the server's limit; 0 (left out) keeps it. */
const lowerOrKeep = (requested: number, serverLimit: number) => (requested > 0 ? Math.min(requested, serverLimit) : serverLimit);

export const warMode = defineServerMode({
  contract: war,
  rules: warRules,
  projection: warProjection,
  config,
  tables: [factionStandingsTable],

  settings: (options, { config: server, section }): WarSettings => ({
    factions: options.factions,
    maxPlayers: options.maxPlayers,
    scoreLimit: lowerOrKeep(options.scoreLimit, section.scoreLimit),
    timeLimitS: lowerOrKeep(options.timeLimit, section.timeLimitS),
    tickRateHz: server.tickRateHz,
  }),

  lobby: (settings, { section }) => ({
    seats: settings.maxPlayers,
    minPlayers: 1,
    waitMs: section.lobbyTimeoutMs,
    bots: true,
    chooseSeat: (free, taken, options) => chooseSeat(free, taken, settings.factions, wishedFaction(options, settings.factions)),
  }),

  // a party fills at most one faction; the queue puts it there through the faction wish
  queue: {
    partyMax: WAR_LIMITS.maxPlayers / WAR_LIMITS.minFactions,
    plan: (options) => ({
      seats: options.maxPlayers,
      teams: options.factions,
      minHumans: 1,
      teamOptions: (team) => ({ faction: WAR_FACTION_IDS[team] }),
    }),
  },

  // one move a tick counts; a few a second is all a player needs
  rates: { move: 1 / 3 },

  ...warAnnouncements,
});
