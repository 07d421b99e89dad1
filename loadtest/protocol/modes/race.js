// A racer: a steady stream of `input {throttle, steer, boost, seq}` at a set rate, from the
// server's `countdown` (inputs are accepted from then on) until it is out of the race
// (NOT_PARTICIPANT: finished or DNF); then it waits for `finished`. A load client does not decode
// the state: the messages tell it what it needs.
/** @import { GameErrorPayload, Player, RaceOptions } from "../types.js" */
/** @import { ModePlayer } from "./index.js" */
import { ErrorCode } from "@arena/shared/kit/names";
import { RACE_ROOM, RaceMessage, RaceServerMessage } from "@arena/shared/modes/race/names";
import { BasePlayer } from "../player.js";
import { between } from "../random.js";

/** Server messages that open the race to inputs. */
const RACE_OPENS = new Set([RaceServerMessage.Countdown, RaceServerMessage.Started]);

/**
 * @param {RaceOptions} [options]
 * @returns {Player}
 */
export function createRacePlayer(options = {}) {
  const intervalMs = 1000 / (options.inputRatePerS ?? 10);

  /** @type {"waiting" | "driving" | "done"} */
  let mode = "waiting";
  let nextSendAt = 0;
  let seq = 0;
  let throttle = 1;

  return new BasePlayer(RACE_ROOM, options, {
    onMessage(type, _payload, now) {
      if (mode === "waiting" && RACE_OPENS.has(/** @type {any} */ (type))) {
        mode = "driving";
        nextSendAt = now;
      }
    },

    tick(now, context) {
      if (mode !== "driving" || now < nextSendAt) return;
      const random = context.random;
      // mostly flat out, now and then off the throttle; a lane change or a boost once in a while
      if (random() < 0.05) throttle = between(random, 0.2, 0.6);
      else if (throttle < 0.7 || random() < 0.2) throttle = between(random, 0.7, 1);
      const roll = random();
      const steer = roll < 0.04 ? -1 : roll < 0.08 ? 1 : 0;
      context.send(RaceMessage.Input, { throttle, steer, boost: random() < 0.03, seq: seq++ });
      // keep the rate, but never catch up after a stalled timer: a burst would meet the rate limit
      nextSendAt += intervalMs;
      if (nextSendAt < now) nextSendAt = now + intervalMs;
    },

    /** @param {GameErrorPayload} error */
    onGameError(error) {
      if (error.code === ErrorCode.NotParticipant) {
        mode = "done";
        return true;
      }
      return false;
    },
  });
}

/** @type {ModePlayer} */
export const racePlayer = {
  mode: RACE_ROOM,
  create: createRacePlayer,
  // full rooms start their countdown at once; players asking the same settings share rooms
  joinOptions: (env) => ({
    maxPlayers: env.number("RACE_MAX_PLAYERS", 8),
    trackLength: env.number("RACE_TRACK_M", 1000),
    lanes: env.number("RACE_LANES", 4),
  }),
  playerOptions: (env) => ({ inputRatePerS: env.number("RACE_INPUT_RATE", 10) }),
};
