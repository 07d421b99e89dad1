// The load client's protocol layer: plain ES modules (msgpackr and the contract's names are their only
// imports), used by Node (loadtest/test, benchmarks) and, bundled by esbuild, by the k6 scripts. Types: ./types.d.ts.
export { ByteWriter, toArrayBuffer, toBytes, utf8Decode, utf8Encode } from "./bytes.js";
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
export { createRacePlayer } from "./modes/race.js";
export { createQuizPlayer, readQuestion } from "./modes/quiz.js";
export { createWarPlayer, readMap } from "./modes/war.js";
export { PLAYERS, createPlayer, hasPlayer } from "./modes/index.js";
