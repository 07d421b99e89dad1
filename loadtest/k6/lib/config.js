// Settings from the environment (`k6 run -e NAME=value ...`) and the k6 options they make.
/** @import { Options } from "k6/options" */
/** @import { Mode } from "../../protocol/types.js" */
import { ErrorCode } from "@arena/shared/kit/names";

/**
 * @param {string} name
 * @param {string} fallback
 */
export function envString(name, fallback) {
  const value = __ENV[name];
  return value === undefined || value === "" ? fallback : value;
}

/**
 * @param {string} name
 * @param {number} fallback
 */
export function envNumber(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, not ${JSON.stringify(raw)}`);
  return value;
}

/**
 * "30s:20,1m:20,20s:0" → ramping-vus stages.
 * @param {string} text
 */
export function parseStages(text) {
  return text.split(",").map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?(?:ms|s|m|h))\s*:\s*(\d+)\s*$/.exec(part);
    if (!match) throw new Error(`STAGES: "${part}" is not duration:vus (e.g. 30s:20)`);
    return { duration: /** @type {string} */ (match[1]), target: Number(match[2]) };
  });
}

/** Settings every script shares. */
export const settings = {
  /** Base URL of the server (a node of it); the WebSocket goes to the node the seat names. */
  baseUrl: envString("ARENA_URL", "http://127.0.0.1:2567"),
  stages: parseStages(envString("STAGES", "30s:40,1m:40,20s:0")),
  /** Longest time a session plays after joining; it leaves earlier when its match finishes. */
  playMs: envNumber("PLAY_S", 120) * 1000,
  /** How often the player is ticked (its inputs, moves and answers are scheduled inside). */
  tickMs: envNumber("TICK_MS", 50),
  pingIntervalMs: envNumber("PING_MS", 1000),
  /** WebSocket open → JOIN_ROOM; longer counts as a failed join. */
  joinTimeoutMs: envNumber("JOIN_TIMEOUT_MS", 10000),
  /** After LEAVE_ROOM the server closes the socket; if it does not within this, the client does. */
  leaveTimeoutMs: envNumber("LEAVE_TIMEOUT_MS", 3000),
  seed: envNumber("SEED", 1),
  /** Pause after a failed auth or matchmaking request before the VU tries again. */
  failurePauseS: envNumber("FAILURE_PAUSE_S", 2),
};

/** Codes of the game's `error` message, listed so the summary shows a count for each. */
const GAME_ERROR_CODES = Object.values(ErrorCode);
const ERROR_STAGES = ["auth", "matchmake", "join", "close", "client"];

/**
 * k6 options of a mode's script: a ramping-vus scenario and the pass/fail thresholds.
 * @param {Mode} mode
 * @returns {Options}
 */
export function scriptOptions(mode) {
  /** @type {NonNullable<Options["thresholds"]>} */
  const thresholds = {
    arena_join_ms: [`p(95)<${envNumber("JOIN_P95_MS", 500)}`],
    arena_errors: [`rate<${envNumber("MAX_ERROR_RATE", 0.01)}`],
    arena_rtt_ms: [`p(95)<${envNumber("RTT_P95_MS", 100)}`],
    // an error the player does not meet in normal play: rate limits, late answers, refused moves
    "arena_game_errors{expected:false}": [`count<=${envNumber("MAX_UNEXPECTED_GAME_ERRORS", 0)}`],
    checks: [`rate>${envNumber("MIN_CHECK_RATE", 0.99)}`],
  };
  // always-true thresholds only make k6 report these tagged counts in the summary
  for (const code of GAME_ERROR_CODES) thresholds[`arena_game_errors{code:${code}}`] = ["count>=0"];
  for (const stage of ERROR_STAGES) thresholds[`arena_errors{stage:${stage}}`] = ["rate>=0"];
  const graceS = Math.ceil(settings.playMs / 1000) + 30;
  return {
    scenarios: {
      [mode]: {
        executor: "ramping-vus",
        startVUs: 0,
        stages: settings.stages,
        // a session ramped down may finish its match and leave cleanly
        gracefulRampDown: `${graceS}s`,
        gracefulStop: `${graceS}s`,
      },
    },
    thresholds,
    summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max", "count"],
  };
}
