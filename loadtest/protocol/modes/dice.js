// A liar's dice player: its dice from `roll`, the bid to beat from `turn`; on its turn, after a short
// think, it calls liar on a bid above what it expects on the table (its own dice of that face plus a
// sixth of the dice it cannot see), and otherwise makes the smallest raise on the face it holds most.
// A move that arrives after the turn timer played for it is refused (NOT_YOUR_TURN, INVALID_BID,
// WRONG_PHASE), and a seat out of dice is refused (NOT_PARTICIPANT): expected in normal play.
/** @import { GameErrorPayload, MsgValue, Player, PlayerOptions } from "../types.js" */
/** @import { ModePlayer } from "./index.js" */
import { ErrorCode } from "@arena/shared/kit/names";
import { DICE_ROOM, DiceMessage, DiceServerMessage } from "@arena/shared/modes/dice/names";
import { BasePlayer } from "../player.js";
import { between } from "../random.js";

/**
 * @typedef {PlayerOptions & { minThinkMs?: number, maxThinkMs?: number }} DiceOptions
 * Think time before a move, drawn between the two (defaults 200 and 1000 ms).
 */

/** @type {Set<string>} */
const EXPECTED = new Set([ErrorCode.NotYourTurn, ErrorCode.InvalidBid, ErrorCode.WrongPhase, ErrorCode.NotParticipant]);

/** @param {MsgValue | undefined} value @returns {value is number[]} */
function isNumbers(value) {
  return Array.isArray(value) && value.every((item) => typeof item === "number");
}

/**
 * The move for `own` dice facing `bid` among `total` dice.
 * @param {number[]} own
 * @param {number} total
 * @param {{ quantity: number, face: number } | null} bid
 * @returns {{ quantity: number, face: number } | null} a bid, or null to call liar
 */
export function diceMove(own, total, bid) {
  const count = (/** @type {number} */ face) => own.filter((d) => d === face).length;
  let face = 6;
  for (let f = 1; f <= 6; f++) if (count(f) >= count(face)) face = f;
  if (!bid) return { quantity: Math.max(1, count(face)), face };
  if (bid.quantity > count(bid.face) + (total - own.length) / 6 + 1) return null;
  const quantity = face > bid.face ? bid.quantity : bid.quantity + 1;
  return quantity <= total ? { quantity, face } : null;
}

/**
 * @param {DiceOptions} [options]
 * @returns {Player}
 */
export function createDicePlayer(options = {}) {
  const minThinkMs = options.minThinkMs ?? 200;
  const maxThinkMs = options.maxThinkMs ?? 1000;
  let seat = -1;
  /** @type {number[]} */
  let own = [];
  /** The turn to play, and when. */
  /** @type {{ at: number, total: number, bid: { quantity: number, face: number } | null } | null} */
  let pending = null;

  return new BasePlayer(DICE_ROOM, options, {
    onMessage(type, payload, now, context) {
      if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return;
      if (type === DiceServerMessage.Roll) {
        if (typeof payload.seat !== "number" || !isNumbers(payload.dice)) return context.malformed(DiceServerMessage.Roll);
        seat = payload.seat;
        own = payload.dice;
        return;
      }
      if (type !== DiceServerMessage.Turn) return;
      const { seat: turn, totalDice, bid } = payload;
      if (typeof turn !== "number" || typeof totalDice !== "number") return context.malformed(DiceServerMessage.Turn);
      if (turn !== seat) {
        pending = null;
        return;
      }
      const last = bid !== null && typeof bid === "object" && !Array.isArray(bid) && typeof bid.quantity === "number" && typeof bid.face === "number" ? { quantity: bid.quantity, face: bid.face } : null;
      pending = { at: now + between(context.random, minThinkMs, maxThinkMs), total: totalDice, bid: last };
    },

    tick(now, context) {
      if (!pending || now < pending.at) return;
      const move = diceMove(own, pending.total, pending.bid);
      pending = null;
      if (move) context.send(DiceMessage.Bid, move);
      else context.send(DiceMessage.Liar, {});
    },

    /** @param {GameErrorPayload} error */
    onGameError(error) {
      return EXPECTED.has(error.code);
    },
  });
}

/** @type {ModePlayer} */
export const dicePlayer = {
  mode: DICE_ROOM,
  create: createDicePlayer,
  // a full table starts at once; otherwise bots fill it after DICE_LOBBY_TIMEOUT_MS
  joinOptions: (env) => ({ maxPlayers: env.number("DICE_MAX_PLAYERS", 4), dice: env.number("DICE_DICE", 5) }),
  playerOptions: (env) => ({ minThinkMs: env.number("DICE_MIN_THINK_MS", 200), maxThinkMs: env.number("DICE_MAX_THINK_MS", 1000) }),
};
