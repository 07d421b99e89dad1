// k6 load test of one mode: each VU is a player of MODE (race, quiz, war, … — every mode with a load
// player in ../protocol/modes) that joins a room with the mode's join options, plays it as the mode's
// load player does until the match finishes or PLAY_S is over, and leaves.
//   npm run build && k6 run -e MODE=race -e ARENA_URL=http://127.0.0.1:2567 loadtest/k6/dist/play.js
// k6 runs the bundle esbuild makes of this file (`npm run build -w loadtest`): it holds msgpackr and
// the contract's names, in a syntax older k6 parse.
import { PLAYERS, hasPlayer } from "../protocol/modes/index.js";
import { envNumber, envString, scriptOptions } from "./lib/config.js";
import { playSession } from "./lib/session.js";
import { summaryHandler } from "./lib/summary.js";

const modeName = envString("MODE", "race");
if (!hasPlayer(modeName)) throw new Error(`MODE=${modeName}: no load player (modes: ${Object.keys(PLAYERS).join(", ")})`);
const mode = PLAYERS[modeName];
const settings = { number: envNumber, string: envString };

export const options = scriptOptions(mode.mode);

const joinOptions = mode.joinOptions(settings);
const playerOptions = mode.playerOptions(settings);

export default function () {
  playSession({ mode: mode.mode, joinOptions, createPlayer: (options) => mode.create({ ...options, ...playerOptions }) });
}

export const handleSummary = summaryHandler(mode.mode);
