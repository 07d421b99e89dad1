// A racer: a steady stream of `input {throttle, steer, boost, seq}` at a set rate.
//
// A load client does not decode the state: the server's `countdown` and `started` messages tell it
// when inputs are accepted. Against a server without them, inputs before the countdown come back
// as WRONG_PHASE; the racer then only probes (one input a second) until a probe goes unanswered
// for `ackWindowMs`. NOT_PARTICIPANT means this racer finished (or is DNF): it stops and waits
// for `finished`.
/** @import { GameErrorPayload, Player, RaceOptions } from "./types.js" */
import { BasePlayer } from "./player.js";
import { between } from "./random.js";

export const RACE_INPUT = "input";
/** Server messages that open the race to inputs. */
const RACE_OPENS = new Set(["countdown", "started"]);

/**
 * @param {RaceOptions} [options]
 * @returns {Player}
 */
export function createRacePlayer(options = {}) {
  const intervalMs = 1000 / (options.inputRatePerS ?? 10);
  const probeMs = options.lobbyProbeMs ?? 1000;
  const ackWindowMs = options.ackWindowMs ?? 500;

  /** @type {"probing" | "driving" | "done"} */
  let mode = "probing";
  let nextSendAt = 0;
  /** @type {number | null} */
  let probeSentAt = null;
  let probeRefused = false;
  let seq = 0;
  let throttle = 1;

  return new BasePlayer("race", options, {
    onMessage(type, _payload, now) {
      if (mode === "probing" && RACE_OPENS.has(String(type))) {
        mode = "driving";
        nextSendAt = now;
      }
    },

    tick(now, context) {
      if (mode === "done") return;
      if (mode === "probing" && probeSentAt !== null && !probeRefused && now - probeSentAt >= ackWindowMs) {
        mode = "driving";
        nextSendAt = now;
      }
      if (now < nextSendAt) return;
      const random = context.random;
      // mostly flat out, now and then off the throttle; a lane change or a boost once in a while
      if (random() < 0.05) throttle = between(random, 0.2, 0.6);
      else if (throttle < 0.7 || random() < 0.2) throttle = between(random, 0.7, 1);
      const roll = random();
      const steer = roll < 0.04 ? -1 : roll < 0.08 ? 1 : 0;
      context.send(RACE_INPUT, { throttle, steer, boost: random() < 0.03, seq: seq++ });
      if (mode === "probing") {
        probeSentAt = now;
        probeRefused = false;
        nextSendAt = now + probeMs;
      } else {
        // keep the rate, but never catch up after a stalled timer: a burst would meet the rate limit
        nextSendAt += intervalMs;
        if (nextSendAt < now) nextSendAt = now + intervalMs;
      }
    },

    /** @param {GameErrorPayload} error */
    onGameError(error, now) {
      if (error.code === "WRONG_PHASE") {
        if (mode !== "done") {
          if (mode === "driving") {
            mode = "probing";
            probeSentAt = null;
            nextSendAt = now + probeMs;
          }
          probeRefused = true;
        }
        return true;
      }
      if (error.code === "NOT_PARTICIPANT") {
        mode = "done";
        return true;
      }
      return false;
    },
  });
}
