/** The race's names on the wire, import-free so a load script can bundle them alone. */

/** Room name of the race mode. */
export const RACE_ROOM = "race" as const;

/** Client → server message types of a race room. */
export const RaceMessage = {
  /** A control input (throttle, lane change, boost). */
  Input: "input",
} as const;

/** Server → client message types of a race room (besides the shared `error`). */
export const RaceServerMessage = {
  /**
   * Sent when the countdown starts (inputs are accepted from now on) and at the start signal:
   * the phase changes for clients that do not decode the state (bots, load generators).
   */
  Countdown: "countdown",
  Started: "started",
  /** Sent once when the race ends: the final standings. */
  Finished: "finished",
} as const;
