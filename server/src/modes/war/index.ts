/** The war, as the server runs it: its limits and lobby, the seat a player gets, what it tells players, what it stores. */
import { NO_ZONE, WAR_FACTION_IDS, WAR_LIMITS, war, type WarFinishedPayload, type WarMapPayload } from "@arena/shared/modes/war/contract";
import { travelTicks } from "@arena/shared/modes/war/map";
import { warProjection } from "@arena/shared/modes/war/projection";
import { warRules, type WarMatch, type WarSettings } from "@arena/shared/modes/war/rules";
import { factionId, warStandings } from "@arena/shared/modes/war/scoring";
import { chooseSeat, factionOfSeat, wishedFaction } from "@arena/shared/modes/war/seats";
import { warMap } from "@arena/shared/modes/war/simulation";
import type { WarEvent } from "@arena/shared/modes/war/state";
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

/** The roads, walking times and the unit's position, for clients that do not decode the state. */
function mapMessage(seed: number, settings: WarSettings, seat: number, match: WarMatch | undefined): WarMapPayload {
  const map = match?.sim.map ?? warMap(seed, settings);
  const faction = factionOfSeat(seat, settings.factions);
  const zone = match ? match.sim.seats[seat]!.zone : map.homes[faction]!;
  const hz = settings.tickRateHz;
  return {
    faction: factionId(faction),
    zone: zone < 0 ? NO_ZONE : zone,
    zones: map.zones.map((z) => ({
      id: z.id,
      name: z.name,
      neighbours: [...z.neighbours],
      travelMs: z.neighbours.map((n) => Math.round((travelTicks(map, z.id, n, hz) * 1000) / hz)),
    })),
  };
}

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

  welcome(seat, { seed, settings, state }, announce) {
    announce.toSeat(seat, "map", mapMessage(seed, settings, seat, state));
  },

  announce(events: readonly WarEvent[], _match, announce) {
    // tell the walker (a human, not its bot) where its unit now stands
    for (const event of events) if (event.type === "arrived") announce.toSeat(event.seat, "arrived", { zone: event.zone });
  },

  finished(outcome, { matchId, state, sessionOf }): WarFinishedPayload {
    const standings = warStandings(state.sim);
    return {
      matchId,
      status: outcome.status,
      reason: standings.reason,
      winner: standings.winner,
      factions: standings.factions.map(({ faction, placement, score, zonesHeld, captures, missionsDone }) => ({
        faction,
        placement,
        score,
        zonesHeld,
        captures,
        missionsDone,
      })),
      players: standings.participants.map((p) => ({
        sessionId: p.isBot ? null : sessionOf(p.playerId),
        playerId: p.playerId,
        name: p.name,
        faction: p.faction,
        isBot: p.isBot,
        placement: p.placement,
        score: p.score,
        captures: p.captures,
        missions: p.missions,
        leftEarly: p.leftEarly,
        reputationDelta: p.reputationDelta,
      })),
    };
  },
});
