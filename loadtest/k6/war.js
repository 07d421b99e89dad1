// k6 load test of the war mode: each VU takes a seat in a war of WAR_MAX_PLAYERS (bots fill seats
// nobody took within the server's lobby timeout), walks from zone to neighbouring zone until the war
// ends (WAR_TIME_LIMIT_S), and leaves.
//   k6 run -e ARENA_URL=http://127.0.0.1:2567 loadtest/k6/war.js
import { createWarPlayer } from "../protocol/index.js";
import { envNumber, scriptOptions } from "./lib/config.js";
import { playSession } from "./lib/session.js";
import { summaryHandler } from "./lib/summary.js";

export const options = scriptOptions("war");

// a war whose seats all hold humans starts at once
const joinOptions = {
  maxPlayers: envNumber("WAR_MAX_PLAYERS", 6),
  factions: envNumber("WAR_FACTIONS", 2),
  timeLimit: envNumber("WAR_TIME_LIMIT_S", 90),
};

export default function () {
  playSession({ mode: "war", joinOptions, createPlayer: createWarPlayer });
}

export const handleSummary = summaryHandler("war");
