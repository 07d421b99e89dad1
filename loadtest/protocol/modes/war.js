// A war player: from the `map` message (roads, walking times, where its unit stands), walks to a
// random neighbour, waits the walk's time plus a margin, stays a moment, and goes on.
//
// The server sends `arrived {zone}` when the unit ends a walk. A refused move comes back as an
// `error` (WRONG_PHASE in the lobby, INVALID_MOVE if the unit is not where the player thought),
// and the unit stays put.
// If the position is unknown (the `map` said 255: the seat was taken over from a walking bot, or a
// move was refused as invalid), the player tries random zones until a move is accepted.
/** @import { GameErrorPayload, MsgValue, Player, WarOptions } from "../types.js" */
/** @import { ModePlayer } from "./index.js" */
import { ErrorCode } from "@arena/shared/kit/names";
import { NO_ZONE, WAR_ROOM, WarMessage, WarServerMessage } from "@arena/shared/modes/war/names";
import { BasePlayer } from "../player.js";
import { between, randomIndex } from "../random.js";

/** @typedef {{ neighbours: number[], travelMs: number[] }} Roads */

/**
 * The roads of the `map` message by zone id, and where the unit stands (null: walking), or null.
 * @param {MsgValue | undefined} payload
 * @returns {{ zone: number | null, roads: Map<number, Roads> } | null}
 */
export function readMap(payload) {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return null;
  const { zone, zones } = payload;
  if (typeof zone !== "number" || !Array.isArray(zones)) return null;
  /** @type {Map<number, Roads>} */
  const roads = new Map();
  for (const entry of zones) {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return null;
    const { id, neighbours, travelMs } = entry;
    if (typeof id !== "number" || !isNumbers(neighbours) || !isNumbers(travelMs) || neighbours.length !== travelMs.length) return null;
    roads.set(id, { neighbours, travelMs });
  }
  return { zone: zone === NO_ZONE ? null : zone, roads };
}

/**
 * @param {MsgValue | undefined} value
 * @returns {value is number[]}
 */
function isNumbers(value) {
  return Array.isArray(value) && value.every((item) => typeof item === "number");
}

/**
 * @param {WarOptions} [options]
 * @returns {Player}
 */
export function createWarPlayer(options = {}) {
  const marginMs = options.arrivalMarginMs ?? 300;
  const maxDwellMs = options.maxDwellMs ?? 1000;
  const retryMs = options.retryMs ?? 1000;

  /** @type {Map<number, Roads> | null} */
  let roads = null;
  /** @type {number[]} */
  let zoneIds = [];
  let longestWalkMs = 0;
  /** Where the unit stands; null while unknown. */
  /** @type {number | null} */
  let here = null;
  /** The move in progress: where from (null: unknown), where to, when it should be over. */
  /** @type {{ from: number | null, to: number, arriveAt: number } | null} */
  let walk = null;
  let nextMoveAt = 0;

  return new BasePlayer(WAR_ROOM, options, {
    onMessage(type, payload, now, context) {
      if (type === WarServerMessage.Arrived) {
        const zone = payload !== null && typeof payload === "object" && !Array.isArray(payload) ? payload.zone : undefined;
        if (typeof zone !== "number") return context.malformed(WarServerMessage.Arrived);
        here = zone;
        walk = null;
        nextMoveAt = now + between(context.random, 0, maxDwellMs);
        return;
      }
      if (type !== WarServerMessage.Map) return;
      const map = readMap(payload);
      if (!map) return context.malformed(WarServerMessage.Map);
      roads = map.roads;
      zoneIds = [...map.roads.keys()];
      longestWalkMs = Math.max(0, ...[...map.roads.values()].flatMap((r) => r.travelMs));
      here = map.zone;
      walk = null;
      nextMoveAt = now;
    },

    tick(now, context) {
      if (!roads || zoneIds.length === 0) return;
      const random = context.random;
      // an arrival that never came (a busy server, a lost seat): the position is unknown, find out by trying
      if (walk && now >= walk.arriveAt + longestWalkMs) {
        here = null;
        walk = null;
      }
      if (walk || now < nextMoveAt) return;
      const road = here === null ? undefined : roads.get(here);
      if (road && road.neighbours.length > 0) {
        const pick = randomIndex(random, road.neighbours.length);
        const to = /** @type {number} */ (road.neighbours[pick]);
        walk = { from: here, to, arriveAt: now + (road.travelMs[pick] ?? longestWalkMs) + marginMs };
        context.send(WarMessage.Move, { to });
      } else {
        // position unknown: a random zone; a refusal brings us back here after `retryMs`
        const to = /** @type {number} */ (zoneIds[randomIndex(random, zoneIds.length)]);
        walk = { from: null, to, arriveAt: now + longestWalkMs + marginMs };
        context.send(WarMessage.Move, { to });
      }
    },

    /** @param {GameErrorPayload} error */
    onGameError(error, now) {
      const wasKnown = walk ? walk.from !== null : here !== null;
      if (error.code === ErrorCode.InvalidMove) {
        // the unit is not where we thought: find out by trying
        here = null;
      } else if (walk) {
        here = walk.from;
      }
      walk = null;
      nextMoveAt = now + retryMs;
      return error.code === ErrorCode.WrongPhase || (error.code === ErrorCode.InvalidMove && !wasKnown);
    },
  });
}

/** @type {ModePlayer} */
export const warPlayer = {
  mode: WAR_ROOM,
  create: createWarPlayer,
  // a war whose seats all hold humans starts at once
  joinOptions: (env) => ({
    maxPlayers: env.number("WAR_MAX_PLAYERS", 6),
    factions: env.number("WAR_FACTIONS", 2),
    timeLimit: env.number("WAR_TIME_LIMIT_S", 90),
  }),
  playerOptions: () => ({}),
};
