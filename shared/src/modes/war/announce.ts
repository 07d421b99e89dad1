/** What the war tells clients besides the state: the map a seat plays on, arrivals, the result. */
import { defineAnnouncements } from "../../kit/announce.js";
import { NO_ZONE, war, type WarFinishedPayload, type WarMapPayload } from "./contract.js";
import { travelTicks } from "./map.js";
import type { WarMatch, WarSettings } from "./rules.js";
import { factionId, warStandings } from "./scoring.js";
import { factionOfSeat } from "./seats.js";
import { warMap } from "./simulation.js";
import type { WarEvent } from "./state.js";

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

export const warAnnouncements = defineAnnouncements<typeof war, WarSettings, WarMatch, WarEvent>({
  welcome(seat, { seed, settings, state }, announce) {
    announce.toSeat(seat, "map", mapMessage(seed, settings, seat, state));
  },

  announce(events, _match, announce) {
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
