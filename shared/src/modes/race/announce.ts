/** What the race tells clients besides the state: the countdown, the start, the result. */
import { defineAnnouncements } from "../../kit/announce.js";
import { race, type RaceFinishedPayload } from "./contract.js";
import type { RaceMatch, RaceMatchEvent, RaceSettings } from "./rules.js";

export const raceAnnouncements = defineAnnouncements<typeof race, RaceSettings, RaceMatch, RaceMatchEvent>({
  started(match, announce) {
    announce.broadcast("countdown", { countdownMs: Math.round((match.countdownTicks * 1000) / match.sim.tickRateHz) });
  },

  announce(events, _match, announce) {
    for (const event of events) if (event.type === "started") announce.broadcast("started", { timeLimitMs: event.timeLimitMs });
  },

  finished: (outcome, { matchId, sessionOf }): RaceFinishedPayload => ({
    matchId,
    standings: outcome.standings.map((s) => ({
      sessionId: sessionOf(s.playerId) ?? "",
      playerId: s.playerId,
      name: s.name,
      place: s.placement,
      finishTimeMs: s.finishTimeMs,
      dnf: s.details.dnf === true,
      score: s.score,
    })),
  }),
});
