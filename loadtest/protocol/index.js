// The load client's protocol layer: plain ES modules with no dependencies, used by the k6 scripts
// (loadtest/k6) and by Node (loadtest/test, benchmarks). Types: ./types.d.ts.
export { ByteWriter, toArrayBuffer, toBytes, utf8Decode, utf8Encode } from "./bytes.js";
export { MsgpackError, decode, encode } from "./msgpack.js";
export {
  CloseCode,
  Protocol,
  ProtocolError,
  guestAuthRequest,
  joinAck,
  leaveFrame,
  matchmakeRequest,
  parseFrame,
  parseGuestAuth,
  parseReservation,
  pingFrame,
  roomDataFrame,
  webSocketUrl,
} from "./colyseus.js";
export { BasePlayer, ERROR_MESSAGE, FINISHED_MESSAGE } from "./player.js";
export { between, mixSeed, randomIndex, seededRandom } from "./random.js";
export { RACE_INPUT, createRacePlayer } from "./race.js";
export { QUIZ_ANSWER, QUIZ_QUESTION, createQuizPlayer, readQuestion } from "./quiz.js";
export { NO_ZONE, WAR_ARRIVED, WAR_MAP, WAR_MOVE, createWarPlayer, readMap } from "./war.js";

/** @import { Mode, Player, PlayerOptions } from "./types.js" */
import { createQuizPlayer } from "./quiz.js";
import { createRacePlayer } from "./race.js";
import { createWarPlayer } from "./war.js";

/**
 * The player of a mode, with that mode's defaults.
 * @param {Mode} mode
 * @param {PlayerOptions} [options]
 * @returns {Player}
 */
export function createPlayer(mode, options = {}) {
  switch (mode) {
    case "race":
      return createRacePlayer(options);
    case "quiz":
      return createQuizPlayer(options);
    case "war":
      return createWarPlayer(options);
  }
}
