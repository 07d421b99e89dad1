// What every mode's player does the same way: the join handshake, counting frames, bytes, patches
// and messages, typed game errors, round trips with PING, `finished`, and leaving. A mode adds a
// Strategy: what to send on its messages and over time.
/**
 * @import { CloseVerdict, GameErrorPayload, Mode, MsgInput, MsgValue, Player, PlayerEvent,
 *   PlayerOptions, PlayerStats } from "./types.js"
 */
import { joinAck, leaveFrame, parseFrame, pingFrame, roomDataFrame } from "./colyseus.js";
import { ERROR_MESSAGE, FINISHED_MESSAGE } from "@arena/shared/kit/names";
import { seededRandom } from "./random.js";

export { ERROR_MESSAGE, FINISHED_MESSAGE };

/**
 * What a strategy may do: send room messages, draw random numbers, report a payload it could not use.
 * @typedef {object} StrategyContext
 * @property {(type: string, payload: MsgInput) => void} send
 * @property {() => number} random
 * @property {(what: string) => void} malformed
 */

/**
 * A mode's behaviour. `onGameError` returns whether the error is expected in normal play.
 * @typedef {object} Strategy
 * @property {(type: string | number, payload: MsgValue | undefined, now: number, context: StrategyContext) => void} onMessage
 * @property {(error: GameErrorPayload, now: number) => boolean} onGameError
 * @property {(now: number, context: StrategyContext) => void} tick
 */

/** @returns {PlayerStats} */
function emptyStats() {
  return {
    joinedAt: null,
    finishedAt: null,
    framesReceived: 0,
    bytesReceived: 0,
    framesSent: 0,
    bytesSent: 0,
    patches: 0,
    patchBytes: 0,
    fullStates: 0,
    messages: 0,
    messagesByType: {},
    sentByType: {},
    gameErrors: {},
    unexpectedErrors: {},
    serverErrors: [],
    decodeErrors: 0,
    pingsSent: 0,
    rttMs: [],
    closeCode: undefined,
    cleanClose: undefined,
  };
}

/**
 * @param {Record<string, number>} counts
 * @param {string} key
 */
function bump(counts, key) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * The game's `error` payload, or null if it does not look like one.
 * @param {MsgValue | undefined} payload
 * @returns {GameErrorPayload | null}
 */
function asGameError(payload) {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return null;
  const { code, message, cause } = payload;
  if (typeof code !== "string") return null;
  /** @type {GameErrorPayload} */
  const error = { code, message: typeof message === "string" ? message : "" };
  if (typeof cause === "string") error.cause = cause;
  return error;
}

/** @implements {Player} */
export class BasePlayer {
  /**
   * @param {Mode} mode
   * @param {PlayerOptions} options
   * @param {Strategy} strategy
   */
  constructor(mode, options, strategy) {
    /** @readonly */
    this.mode = mode;
    /** @readonly */
    this.stats = emptyStats();
    this.joined = false;
    this.finished = false;
    this.leaving = false;
    /** @private */
    this.strategy = strategy;
    /** @private */
    this.pingIntervalMs = options.pingIntervalMs ?? 1000;
    /** @private @type {((event: PlayerEvent) => void) | undefined} */
    this.onEvent = options.onEvent;
    /** @private @type {number | null} one PING in flight at a time, so each answer is matched to its send time */
    this.pingSentAt = null;
    /** @private */
    this.nextPingAt = 0;
    /** @private @type {Uint8Array[]} */
    this.outbox = [];
    /** @private @type {StrategyContext} */
    this.context = {
      send: (type, payload) => {
        bump(this.stats.sentByType, type);
        this.outbox.push(roomDataFrame(type, payload));
      },
      random: seededRandom(options.seed ?? 1),
      malformed: (what) => {
        this.stats.decodeErrors++;
        this.emit({ kind: "decode-error", message: `malformed ${what} payload` });
      },
    };
  }

  /**
   * @param {Uint8Array} bytes
   * @param {number} now
   * @returns {Uint8Array[]}
   */
  onFrame(bytes, now) {
    const stats = this.stats;
    stats.framesReceived++;
    stats.bytesReceived += bytes.length;
    let frame;
    try {
      frame = parseFrame(bytes);
    } catch (error) {
      stats.decodeErrors++;
      this.emit({ kind: "decode-error", message: error instanceof Error ? error.message : String(error) });
      return this.flush();
    }
    switch (frame.kind) {
      case "join":
        if (!this.joined) {
          this.joined = true;
          stats.joinedAt = now;
          this.outbox.push(joinAck());
          this.nextPingAt = now;
          this.emit({ kind: "joined", at: now });
        }
        break;
      case "patch":
        stats.patches++;
        stats.patchBytes += frame.length;
        break;
      case "state":
        stats.fullStates++;
        break;
      case "ping":
        if (this.pingSentAt !== null) {
          const ms = now - this.pingSentAt;
          stats.rttMs.push(ms);
          this.nextPingAt = this.pingSentAt + this.pingIntervalMs;
          this.pingSentAt = null;
          this.emit({ kind: "rtt", ms });
        }
        break;
      case "data":
        this.onMessage(frame.type, frame.payload, now);
        break;
      case "error":
        stats.serverErrors.push({ code: frame.code, message: frame.message });
        this.emit({ kind: "server-error", code: frame.code, message: frame.message });
        break;
      case "leave":
        // the server asks the client to leave (the SDK answers with LEAVE_ROOM too)
        return this.leave(now);
      default:
        break;
    }
    return this.flush();
  }

  /**
   * @private
   * @param {string | number} type
   * @param {MsgValue | undefined} payload
   * @param {number} now
   */
  onMessage(type, payload, now) {
    const stats = this.stats;
    stats.messages++;
    bump(stats.messagesByType, String(type));
    this.emit({ kind: "message", type, payload });
    if (type === ERROR_MESSAGE) {
      const error = asGameError(payload);
      if (!error) return this.context.malformed(ERROR_MESSAGE);
      const expected = this.strategy.onGameError(error, now);
      bump(stats.gameErrors, error.code);
      if (!expected) bump(stats.unexpectedErrors, error.code);
      this.emit({ kind: "game-error", code: error.code, message: error.message, expected });
      return;
    }
    if (type === FINISHED_MESSAGE && !this.finished) {
      this.finished = true;
      stats.finishedAt = now;
      this.emit({ kind: "finished", payload });
      return;
    }
    if (!this.finished) this.strategy.onMessage(type, payload, now, this.context);
  }

  /**
   * @param {number} now
   * @returns {Uint8Array[]}
   */
  tick(now) {
    if (!this.joined || this.leaving) return [];
    if (this.pingIntervalMs > 0 && this.pingSentAt === null && now >= this.nextPingAt) {
      this.pingSentAt = now;
      this.stats.pingsSent++;
      this.outbox.push(pingFrame());
    }
    if (!this.finished) this.strategy.tick(now, this.context);
    return this.flush();
  }

  /**
   * @param {number} _now
   * @returns {Uint8Array[]}
   */
  leave(_now) {
    if (this.leaving) return this.flush();
    this.leaving = true;
    this.outbox.push(leaveFrame());
    return this.flush();
  }

  /**
   * A close is clean once the player left or its match finished; before that it is unexpected.
   * @param {number | undefined} code
   * @param {number} _now
   * @returns {CloseVerdict}
   */
  onClose(code, _now) {
    const clean = this.leaving || this.finished;
    this.stats.closeCode = code;
    this.stats.cleanClose = clean;
    return { clean, code };
  }

  /** @private */
  flush() {
    if (this.outbox.length === 0) return [];
    const frames = this.outbox;
    this.outbox = [];
    for (const frame of frames) {
      this.stats.framesSent++;
      this.stats.bytesSent += frame.length;
    }
    return frames;
  }

  /**
   * @private
   * @param {PlayerEvent} event
   */
  emit(event) {
    if (this.onEvent) this.onEvent(event);
  }
}
