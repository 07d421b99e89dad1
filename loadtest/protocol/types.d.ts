// Types of the load-client protocol modules. The modules are plain JavaScript (k6 runs them as
// they are); these declarations are what their JSDoc refers to, and what TypeScript callers see.

/** A value as decoded from msgpack. Maps have string keys. */
export type MsgValue = null | boolean | number | string | MsgValue[] | MsgMap;
export interface MsgMap {
  [key: string]: MsgValue;
}

/** What the encoder accepts: like MsgValue, plus `undefined` (nil at the top, skipped as a map value). */
export type MsgInput = undefined | null | boolean | number | string | readonly MsgInput[] | { readonly [key: string]: MsgInput };

// ---------------------------------------------------------------------------------------------
// Colyseus frames

/** A frame the server sent, as far as a load client needs to understand it. */
export type ServerFrame =
  /** JOIN_ROOM: the seat is taken; answer with `joinAck()` before anything else arrives. */
  | { kind: "join"; reconnectionToken: string; serializerId: string }
  /** ERROR: a protocol-level error (e.g. a failed join), not the game's `error` message. */
  | { kind: "error"; code: number; message: string }
  /** LEAVE_ROOM: the server asks the client to leave. */
  | { kind: "leave" }
  /** ROOM_DATA: a message with a type and a msgpack payload (undefined when there is none). */
  | { kind: "data"; type: string | number; payload: MsgValue | undefined }
  /** ROOM_DATA_BYTES: a message with raw bytes; only the length is kept. */
  | { kind: "data-bytes"; type: string | number; length: number }
  /** ROOM_STATE: the full state (schema-encoded, not decoded here). */
  | { kind: "state"; length: number }
  /** ROOM_STATE_PATCH: a state delta (schema-encoded, not decoded here). */
  | { kind: "patch"; length: number }
  /** PING: the answer to a PING this client sent. */
  | { kind: "ping" }
  /** ROOM_RESPONSE: the answer to a request. */
  | { kind: "response"; requestId: number; status: number; payload: MsgValue | undefined }
  /** Any other protocol code (input channels, future codes). */
  | { kind: "other"; code: number };

// ---------------------------------------------------------------------------------------------
// HTTP: auth and matchmaking, as request descriptions any HTTP client can send

export interface HttpRequest {
  method: "POST";
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The part of an HTTP response the parsers read (k6's `Response` and a fetch result both fit). */
export interface HttpResponseLike {
  /** 0 when no response came (k6 reports network failures so). */
  status: number;
  body: string | null | undefined;
  /** The transport's error text, if any (k6's `response.error`). */
  error?: string;
}

export type HttpResult<T> =
  | { ok: true; value: T }
  /** `code`: the arena error code (`RATE_LIMITED`, `INVALID_OPTIONS`, ...) or `HTTP_<status>`. */
  | { ok: false; status: number; code: string; message: string };

/** `POST /auth/guest` → a signed player token. */
export interface GuestAuth {
  token: string;
  playerId: string;
  name: string;
  expiresAt: string;
}

/** `POST /matchmake/...` → a seat in a room on some process. */
export interface SeatReservation {
  name: string;
  sessionId: string;
  roomId: string;
  processId: string;
  /** host:port of the node hosting the room, when the server announces one (several nodes). */
  publicAddress?: string;
}

export type MatchmakeMethod = "joinOrCreate" | "create" | "join" | "joinById";

// ---------------------------------------------------------------------------------------------
// Players

/** A mode of the contract registry. */
export type Mode = import("@arena/shared").ModeName;

/** The game's typed `error` message. */
export interface GameErrorPayload {
  code: string;
  message: string;
  cause?: string;
}

/** What a player reports as it goes, for live metrics (k6 trends, counters) and logs. */
export type PlayerEvent =
  | { kind: "joined"; at: number }
  | { kind: "message"; type: string | number; payload: MsgValue | undefined }
  /** `expected`: an error this mode meets in normal play (e.g. inputs while the lobby waits). */
  | { kind: "game-error"; code: string; message: string; expected: boolean }
  /** A protocol ERROR frame (e.g. the seat expired before the WebSocket arrived). */
  | { kind: "server-error"; code: number; message: string }
  | { kind: "rtt"; ms: number }
  | { kind: "finished"; payload: MsgValue | undefined }
  | { kind: "decode-error"; message: string };

export interface PlayerStats {
  /** When the JOIN_ROOM frame arrived (the clock the driver passes in), or null. */
  joinedAt: number | null;
  /** When the mode's `finished` message arrived, or null. */
  finishedAt: number | null;
  framesReceived: number;
  bytesReceived: number;
  framesSent: number;
  bytesSent: number;
  /** ROOM_STATE_PATCH frames and their bytes. */
  patches: number;
  patchBytes: number;
  /** ROOM_STATE frames (the full state after joining). */
  fullStates: number;
  /** ROOM_DATA messages received, in total and by type. */
  messages: number;
  messagesByType: Record<string, number>;
  /** ROOM_DATA messages sent by type (pings, acks and leaves are not messages). */
  sentByType: Record<string, number>;
  /** The game's `error` messages by code, and those of them the mode did not expect. */
  gameErrors: Record<string, number>;
  unexpectedErrors: Record<string, number>;
  /** Protocol ERROR frames. */
  serverErrors: Array<{ code: number; message: string }>;
  /** Frames or payloads that could not be decoded. */
  decodeErrors: number;
  pingsSent: number;
  /** Round trips of PING frames, in milliseconds of the driver's clock. */
  rttMs: number[];
  /** Set by `onClose`. */
  closeCode: number | undefined;
  cleanClose: boolean | undefined;
}

export interface PlayerOptions {
  /** Seed of every random choice (default 1): the same seed and frames give the same play. */
  seed?: number;
  /** How often to measure the round trip with a PING frame (default 1000 ms; 0: never). */
  pingIntervalMs?: number;
  onEvent?: (event: PlayerEvent) => void;
}

export interface RaceOptions extends PlayerOptions {
  /** Inputs per second while racing (default 10). */
  inputRatePerS?: number;
}

export interface QuizOptions extends PlayerOptions {
  /** Human-like delay before answering, drawn between the two (defaults 800 and 4000 ms, capped inside the answer window). */
  minThinkMs?: number;
  maxThinkMs?: number;
}

export interface WarOptions extends PlayerOptions {
  /** Wait after a walk's travel time before the next move (default 300 ms): the server's tick and the network. */
  arrivalMarginMs?: number;
  /** Longest extra random stay in a zone (default 1000 ms). */
  maxDwellMs?: number;
  /** After a refused move (e.g. WRONG_PHASE in the lobby), wait this long before trying again (default 1000 ms). */
  retryMs?: number;
}

export interface CloseVerdict {
  /** True when the player had left or its match had finished; anything else is an unexpected close. */
  clean: boolean;
  code: number | undefined;
}

/**
 * A player of one mode, independent of the transport: feed it every binary frame and call `tick`
 * regularly (every 20–50 ms); send every frame it returns, in order.
 */
export interface Player {
  readonly mode: Mode;
  readonly stats: PlayerStats;
  /** The JOIN_ROOM handshake is done. */
  readonly joined: boolean;
  /** The mode's `finished` message arrived: time to leave. */
  readonly finished: boolean;
  /** `leave()` was called. */
  readonly leaving: boolean;
  onFrame(bytes: Uint8Array, now: number): Uint8Array[];
  tick(now: number): Uint8Array[];
  /** The LEAVE_ROOM frame (once; nothing on later calls). The server then closes with 4000. */
  leave(now: number): Uint8Array[];
  /** Call when the socket closed; says whether that was expected. */
  onClose(code: number | undefined, now: number): CloseVerdict;
}
