// k6 load test of the race mode: each VU is a racer that joins a race of RACE_MAX_PLAYERS,
// streams inputs at RACE_INPUT_RATE per second until the race finishes, and leaves.
//   k6 run -e ARENA_URL=http://127.0.0.1:2567 loadtest/k6/race.js
import { createRacePlayer } from "../protocol/index.js";
import { envNumber, scriptOptions } from "./lib/config.js";
import { playSession } from "./lib/session.js";
import { summaryHandler } from "./lib/summary.js";

export const options = scriptOptions("race");

// full rooms start their countdown at once; players asking the same settings share rooms
const joinOptions = {
  maxPlayers: envNumber("RACE_MAX_PLAYERS", 8),
  trackLength: envNumber("RACE_TRACK_M", 1000),
  lanes: envNumber("RACE_LANES", 4),
};
const inputRatePerS = envNumber("RACE_INPUT_RATE", 10);

export default function () {
  playSession({ mode: "race", joinOptions, createPlayer: (options) => createRacePlayer({ ...options, inputRatePerS }) });
}

export const handleSummary = summaryHandler("race");
