// The Colyseus 0.18 wire protocol as a load client needs it, and arena's HTTP entry points
// (guest token, matchmaking) as request descriptions any HTTP client can send.
//
// Frame layout (see @colyseus/core Protocol.ts, Room.ts `_onMessage`; @colyseus/sdk Room.ts):
// byte 0, low 5 bits, is the code. Frame headers (message types, ERROR codes and messages) use
// @colyseus/schema's msgpack-like encoding, whose multi-byte integers are LITTLE-endian; message
// payloads are standard msgpack (big-endian). The two differ only past 255-byte strings and 127.
/**
 * @import { GuestAuth, HttpRequest, HttpResponseLike, HttpResult, MatchmakeMethod, MsgInput,
 *   MsgValue, SeatReservation, ServerFrame } from "./types.js"
 */
import { ByteWriter, utf8Decode, utf8Encode } from "./bytes.js";
import { Packr, unpack } from "msgpackr";

/** Plain msgpack (no record extension), undefined map values left out, as the SDK sends them. */
const packerOptions = { useRecords: false, skipValues: [undefined] };
const packer = new Packr(packerOptions);

export const Protocol = Object.freeze({
  JOIN_ROOM: 10,
  ERROR: 11,
  LEAVE_ROOM: 12,
  ROOM_DATA: 13,
  ROOM_STATE: 14,
  ROOM_STATE_PATCH: 15,
  ROOM_DATA_BYTES: 17,
  PING: 18,
  ROOM_REQUEST: 21,
  ROOM_RESPONSE: 22,
});

/** WebSocket close codes Colyseus uses. */
export const CloseCode = Object.freeze({
  NORMAL_CLOSURE: 1000,
  GOING_AWAY: 1001,
  NO_STATUS_RECEIVED: 1005,
  ABNORMAL_CLOSURE: 1006,
  /** The client asked to leave (LEAVE_ROOM), or the room closed normally. */
  CONSENTED: 4000,
  SERVER_SHUTDOWN: 4001,
  /** Closed by the server for a protocol error, a failed join or flooding. */
  WITH_ERROR: 4002,
});

/** Low 5 bits of byte 0; the high bits are modifiers (timed or unreliable patches). */
const CODE_MASK = 0x1f;

export class ProtocolError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "ProtocolError";
  }
}

// ---------------------------------------------------------------------------------------------
// Client → server frames

/** The answer to JOIN_ROOM: until the server gets it, it sends no state. */
export function joinAck() {
  return new Uint8Array([Protocol.JOIN_ROOM]);
}

/** The server answers with a PING frame: a round trip through the room's message handling. */
export function pingFrame() {
  return new Uint8Array([Protocol.PING]);
}

/** A consented leave: the server closes the socket with 4000. */
export function leaveFrame() {
  return new Uint8Array([Protocol.LEAVE_ROOM]);
}

/**
 * A room message: `[13][type][msgpack payload]`, what the SDK's `room.send(type, payload)` writes.
 * @param {string | number} type
 * @param {MsgInput} [payload]
 * @returns {Uint8Array}
 */
export function roomDataFrame(type, payload) {
  const out = new ByteWriter();
  out.u8(Protocol.ROOM_DATA);
  if (typeof type === "string") writeHeaderString(out, type);
  else writeHeaderNumber(out, type);
  if (payload !== undefined) out.bytes(packer.pack(payload));
  return out.finish();
}

/**
 * @param {ByteWriter} out
 * @param {string} text
 */
function writeHeaderString(out, text) {
  const bytes = utf8Encode(text);
  const n = bytes.length;
  if (n < 0x20) {
    out.u8(0xa0 | n);
  } else if (n < 0x100) {
    out.u8(0xd9);
    out.u8(n);
  } else if (n < 0x10000) {
    const at = out.reserve(3);
    out.buffer[at] = 0xda;
    out.view.setUint16(at + 1, n, true);
  } else {
    const at = out.reserve(5);
    out.buffer[at] = 0xdb;
    out.view.setUint32(at + 1, n, true);
  }
  out.bytes(bytes);
}

/**
 * Integer message types (rare; arena uses strings) in schema's number encoding. Limited to int32:
 * beyond it schema switches to floats.
 * @param {ByteWriter} out
 * @param {number} n
 */
function writeHeaderNumber(out, n) {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new ProtocolError(`message type ${n} is not a 32-bit integer`);
  if (n >= 0 && n < 0x80) {
    out.u8(n);
  } else if (n < 0 && n >= -0x20) {
    out.u8(n & 0xff);
  } else if (n >= 0 && n < 0x100) {
    out.u8(0xcc);
    out.u8(n);
  } else if (n >= 0 && n < 0x10000) {
    const at = out.reserve(3);
    out.buffer[at] = 0xcd;
    out.view.setUint16(at + 1, n, true);
  } else if (n >= 0) {
    const at = out.reserve(5);
    out.buffer[at] = 0xce;
    out.view.setUint32(at + 1, n, true);
  } else if (n >= -0x80) {
    out.u8(0xd0);
    out.u8(n & 0xff);
  } else if (n >= -0x8000) {
    const at = out.reserve(3);
    out.buffer[at] = 0xd1;
    out.view.setInt16(at + 1, n, true);
  } else {
    const at = out.reserve(5);
    out.buffer[at] = 0xd2;
    out.view.setInt32(at + 1, n, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Server → client frames

/**
 * Reads one server frame. Throws ProtocolError (or msgpackr's error for a bad payload) on malformed input.
 * @param {Uint8Array} bytes
 * @returns {ServerFrame}
 */
export function parseFrame(bytes) {
  if (bytes.length === 0) throw new ProtocolError("empty frame");
  const code = /** @type {number} */ (bytes[0]) & CODE_MASK;
  const reader = new HeaderReader(bytes);
  switch (code) {
    case Protocol.JOIN_ROOM: {
      // [10][len][reconnection token][len][serializer id][state reflection ...]; the rest is for schema decoders
      const reconnectionToken = reader.shortString();
      const serializerId = reader.shortString();
      return { kind: "join", reconnectionToken, serializerId };
    }
    case Protocol.ERROR: {
      const errorCode = reader.number();
      const message = reader.done() ? "" : reader.string();
      return { kind: "error", code: errorCode, message };
    }
    case Protocol.LEAVE_ROOM:
      return { kind: "leave" };
    case Protocol.ROOM_DATA: {
      const type = reader.type();
      return { kind: "data", type, payload: reader.done() ? undefined : unpack(bytes.subarray(reader.offset)) };
    }
    case Protocol.ROOM_DATA_BYTES: {
      const type = reader.type();
      return { kind: "data-bytes", type, length: bytes.length - reader.offset };
    }
    case Protocol.ROOM_STATE:
      return { kind: "state", length: bytes.length };
    case Protocol.ROOM_STATE_PATCH:
      return { kind: "patch", length: bytes.length };
    case Protocol.PING:
      return { kind: "ping" };
    case Protocol.ROOM_RESPONSE: {
      const requestId = reader.number();
      const status = reader.byte();
      return { kind: "response", requestId, status, payload: reader.done() ? undefined : unpack(bytes.subarray(reader.offset)) };
    }
    default:
      return { kind: "other", code };
  }
}

/** Reads frame headers in @colyseus/schema's encoding (little-endian lengths and integers). */
class HeaderReader {
  /** @param {Uint8Array} bytes */
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = 1;
  }

  done() {
    return this.offset >= this.bytes.length;
  }

  /** @param {number} size */
  take(size) {
    const at = this.offset;
    if (at + size > this.bytes.length) throw new ProtocolError("truncated frame");
    this.offset = at + size;
    return at;
  }

  byte() {
    return /** @type {number} */ (this.bytes[this.take(1)]);
  }

  /** @param {number} length */
  utf8(length) {
    const at = this.take(length);
    return utf8Decode(this.bytes, at, at + length);
  }

  /** A string with a one-byte length (the JOIN_ROOM fields). */
  shortString() {
    return this.utf8(this.byte());
  }

  /** A message type: a string when it looks like one (the same test as Colyseus' `stringCheck`), else a number. */
  type() {
    const prefix = this.bytes[this.offset];
    const isString = prefix !== undefined && ((prefix > 0xa0 && prefix < 0xc0) || prefix === 0xd9 || prefix === 0xda || prefix === 0xdb);
    return isString ? this.string() : this.number();
  }

  string() {
    const prefix = this.byte();
    if (prefix >= 0xa0 && prefix < 0xc0) return this.utf8(prefix & 0x1f);
    if (prefix === 0xd9) return this.utf8(this.byte());
    if (prefix === 0xda) return this.utf8(this.view.getUint16(this.take(2), true));
    if (prefix === 0xdb) return this.utf8(this.view.getUint32(this.take(4), true));
    throw new ProtocolError(`not a string header: 0x${prefix.toString(16)}`);
  }

  /** @returns {number} */
  number() {
    const prefix = this.byte();
    const view = this.view;
    if (prefix < 0x80) return prefix;
    if (prefix > 0xdf) return prefix - 0x100;
    switch (prefix) {
      case 0xca:
        return view.getFloat32(this.take(4), true);
      case 0xcb:
        return view.getFloat64(this.take(8), true);
      case 0xcc:
        return view.getUint8(this.take(1));
      case 0xcd:
        return view.getUint16(this.take(2), true);
      case 0xce:
        return view.getUint32(this.take(4), true);
      case 0xcf: {
        const at = this.take(8);
        return view.getUint32(at, true) + view.getUint32(at + 4, true) * 4294967296;
      }
      case 0xd0:
        return view.getInt8(this.take(1));
      case 0xd1:
        return view.getInt16(this.take(2), true);
      case 0xd2:
        return view.getInt32(this.take(4), true);
      case 0xd3: {
        const at = this.take(8);
        return view.getUint32(at, true) + view.getInt32(at + 4, true) * 4294967296;
      }
      default:
        throw new ProtocolError(`not a number header: 0x${prefix.toString(16)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP: guest token and matchmaking

/**
 * Scheme, host[:port] and path prefix of the server's base URL (no URL class: k6 has none).
 * @param {string} baseUrl e.g. http://127.0.0.1:2567
 */
function splitBaseUrl(baseUrl) {
  const match = /^(https?):\/\/([^/?#]+)([^?#]*)$/.exec(baseUrl.trim());
  if (!match) throw new ProtocolError(`base URL must look like http://host:port, not ${JSON.stringify(baseUrl)}`);
  const [, scheme = "http", host = "", path = ""] = match;
  return { secure: scheme === "https", host, path: path.replace(/\/+$/, "") };
}

/**
 * `POST /auth/guest {name}`. With an earlier token the player id is kept.
 * @param {string} baseUrl
 * @param {string} name 1–24 printable characters
 * @param {string} [token]
 * @returns {HttpRequest}
 */
export function guestAuthRequest(baseUrl, name, token) {
  const { secure, host, path } = splitBaseUrl(baseUrl);
  /** @type {Record<string, string>} */
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  return { method: "POST", url: `${secure ? "https" : "http"}://${host}${path}/auth/guest`, headers, body: JSON.stringify({ name }) };
}

/**
 * @param {HttpResponseLike} response
 * @returns {HttpResult<GuestAuth>}
 */
export function parseGuestAuth(response) {
  return parseJsonResponse(response, (body) => {
    const { token, playerId, name, expiresAt } = body;
    if (typeof token !== "string" || typeof playerId !== "string" || typeof name !== "string" || typeof expiresAt !== "string") {
      return null;
    }
    return { token, playerId, name, expiresAt };
  });
}

/**
 * `POST /matchmake/<method>/<room>` with the join options and the player token.
 * @param {string} baseUrl
 * @param {string} room race, quiz or war (or a room id for joinById)
 * @param {{ readonly [key: string]: MsgInput }} options join options, e.g. `{ maxPlayers: 8 }`
 * @param {string} token
 * @param {MatchmakeMethod} [method]
 * @returns {HttpRequest}
 */
export function matchmakeRequest(baseUrl, room, options, token, method = "joinOrCreate") {
  const { secure, host, path } = splitBaseUrl(baseUrl);
  return {
    method: "POST",
    url: `${secure ? "https" : "http"}://${host}${path}/matchmake/${method}/${encodeURIComponent(room)}`,
    headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(options),
  };
}

/**
 * @param {HttpResponseLike} response
 * @returns {HttpResult<SeatReservation>}
 */
export function parseReservation(response) {
  return parseJsonResponse(response, (body) => {
    const { name, sessionId, roomId, processId, publicAddress } = body;
    if (typeof name !== "string" || typeof sessionId !== "string" || typeof roomId !== "string" || typeof processId !== "string") {
      return null;
    }
    /** @type {SeatReservation} */
    const seat = { name, sessionId, roomId, processId };
    if (typeof publicAddress === "string" && publicAddress !== "") seat.publicAddress = publicAddress;
    return seat;
  });
}

/**
 * The WebSocket URL of a reservation, as the SDK's `buildEndpoint` makes it: the node's public
 * address when the server announces one, else the host that was asked.
 * @param {string} baseUrl
 * @param {SeatReservation} seat
 * @param {string} [token] sent as `_authToken`, as the SDK does
 * @returns {string}
 */
export function webSocketUrl(baseUrl, seat, token) {
  const { secure, host, path } = splitBaseUrl(baseUrl);
  const origin = seat.publicAddress ?? `${host}${path}`;
  let query = `sessionId=${encodeURIComponent(seat.sessionId)}`;
  if (token) query += `&_authToken=${encodeURIComponent(token)}`;
  return `${secure ? "wss" : "ws"}://${origin}/${encodeURIComponent(seat.processId)}/${encodeURIComponent(seat.roomId)}?${query}`;
}

/**
 * A 2xx JSON body read by `pick` (null: wrong shape), or the error: arena's `{code, message}` or
 * Colyseus' `{code, error}` whose message starts with arena's code (`UNAUTHORIZED: ...`).
 * @template T
 * @param {HttpResponseLike} response
 * @param {(body: { [key: string]: unknown }) => T | null} pick
 * @returns {HttpResult<T>}
 */
function parseJsonResponse(response, pick) {
  const status = response.status;
  /** @type {unknown} */
  let body;
  try {
    body = JSON.parse(response.body ?? "");
  } catch {
    body = undefined;
  }
  const fields = body !== null && typeof body === "object" ? /** @type {{ [key: string]: unknown }} */ (body) : {};
  if (status >= 200 && status < 300) {
    const value = pick(fields);
    if (value !== null) return { ok: true, value };
    return { ok: false, status, code: "BAD_RESPONSE", message: `unexpected body: ${String(response.body).slice(0, 200)}` };
  }
  if (status === 0) return { ok: false, status, code: "NETWORK", message: response.error ?? "no response" };
  const text = typeof fields.message === "string" ? fields.message : typeof fields.error === "string" ? fields.error : "";
  const prefixed = /^([A-Z][A-Z_]+): ?([\s\S]*)$/.exec(text);
  if (typeof fields.code === "string") return { ok: false, status, code: fields.code, message: text };
  if (prefixed) return { ok: false, status, code: /** @type {string} */ (prefixed[1]), message: prefixed[2] ?? "" };
  return { ok: false, status, code: `HTTP_${status}`, message: text || String(response.body ?? "").slice(0, 200) };
}
