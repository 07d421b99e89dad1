/**
 * Typed client for the arena game server: join any mode with typed options, read typed state,
 * send and receive typed messages — all derived from the mode's wire contract in `@arena/shared`,
 * nothing typed by hand per mode. A thin layer over @colyseus/sdk; runs in browsers and in Node.
 */
import { Client, ServerError, type Room } from "@colyseus/sdk";
import {
  ERROR_MESSAGE,
  ErrorCode,
  MODES,
  SPECTATE_ROOM,
  isModeName,
  type ErrorPayload,
  type EventsOf,
  type GuestAuthResponse,
  type HttpErrorBody,
  type ModeContract,
  type ModeName,
  type Modes,
  type OptionsInput,
  type OutgoingOf,
  type PlayerOf,
  type RoomSummary,
  type StateOf,
} from "@arena/shared";

export * from "@arena/shared";
export { Client as ColyseusClient, type Room as ColyseusRoom } from "@colyseus/sdk";

/** A seat reservation as `POST /matchmake/{method}/{room}` returns it. */
export interface SeatReservation {
  name: string;
  roomId: string;
  sessionId: string;
  processId: string;
  publicAddress?: string;
  reconnectionToken?: string;
}

/** A failure from the server with a stable code (see `ErrorCode`) and, for HTTP failures, the status. */
export class ArenaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ArenaError";
  }

  /** Turns an SDK or HTTP error into an ArenaError; the server writes messages as `CODE: detail`. */
  static from(error: unknown): ArenaError {
    if (error instanceof ArenaError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const match = /^([A-Z][A-Z_]+):\s*(.*)$/s.exec(message);
    const status = error instanceof ServerError ? error.code : undefined;
    if (match) return new ArenaError(match[1] as string, match[2] as string, status);
    return new ArenaError(status === 525 ? ErrorCode.Unauthorized : ErrorCode.Internal, message, status);
  }
}

/** A joined room of mode `C`: typed state, outgoing and incoming messages. */
export class ModeRoom<C extends ModeContract = ModeContract> {
  private readonly lastErrors: ErrorPayload[] = [];
  /** The close code once the connection has ended. */
  closeCode: number | undefined;

  /**
   * @param room the underlying @colyseus/sdk room; this class adds the types.
   * @param spectator a spectator's room: the public view, and nothing to send
   */
  constructor(
    readonly contract: C,
    readonly room: Room,
    readonly spectator = false,
  ) {
    // every server message of the mode gets a handler up front, so none arrives unhandled
    for (const type of contract.eventNames) room.onMessage(type, () => {});
    room.onLeave((code: number) => {
      this.closeCode = code;
    });
    room.onMessage(ERROR_MESSAGE, (payload: ErrorPayload) => {
      this.lastErrors.push(payload);
      if (this.lastErrors.length > 50) this.lastErrors.shift();
    });
  }

  get mode(): C["name"] {
    return this.contract.name;
  }

  get state(): StateOf<C> {
    return this.room.state as StateOf<C>;
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  get roomId(): string {
    return this.room.roomId;
  }

  /** This client's own entry in the state's players map; undefined before the state arrives. */
  get me(): PlayerOf<C> | undefined {
    const players = (this.room.state as Record<string, { get(key: string): unknown } | undefined> | undefined)?.[this.contract.playersField];
    return players?.get(this.sessionId) as PlayerOf<C> | undefined;
  }

  /** Pass to `ArenaClient.reconnect` to take this seat back after a dropped connection. */
  get reconnectionToken(): string {
    return this.room.reconnectionToken;
  }

  /** Typed errors the server sent to this client, newest last (bounded). */
  get errors(): readonly ErrorPayload[] {
    return this.lastErrors;
  }

  send<K extends keyof OutgoingOf<C> & string>(type: K, payload: OutgoingOf<C>[K]): void {
    this.room.send(type, payload);
  }

  on<K extends keyof EventsOf<C> & string>(type: K, listener: (payload: EventsOf<C>[K]) => void): () => void {
    return this.room.onMessage(type, listener);
  }

  onError(listener: (error: ErrorPayload) => void): () => void {
    return this.room.onMessage(ERROR_MESSAGE, listener);
  }

  onStateChange(listener: (state: StateOf<C>) => void): () => void {
    const handler = (state: StateOf<C>) => listener(state);
    this.room.onStateChange(handler);
    return () => this.room.onStateChange.remove(handler);
  }

  onLeave(listener: (code: number) => void): void {
    this.room.onLeave(listener);
  }

  /** Resolves with the next message of a type, or rejects after `timeoutMs`. */
  next<K extends keyof EventsOf<C> & string>(type: K, timeoutMs = 10_000): Promise<EventsOf<C>[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.room.onMessage(type, (payload: EventsOf<C>[K]) => {
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }

  /** Resolves when `predicate(state)` holds after a state update, or rejects after `timeoutMs`. */
  waitFor(predicate: (state: StateOf<C>) => boolean, timeoutMs = 10_000): Promise<StateOf<C>> {
    const current = this.room.state as StateOf<C> | undefined;
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const handler = (state: StateOf<C>) => {
        if (!predicate(state)) return;
        clearTimeout(timer);
        this.room.onStateChange.remove(handler);
        resolve(state);
      };
      const timer = setTimeout(() => {
        this.room.onStateChange.remove(handler);
        reject(new Error(`state condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      this.room.onStateChange(handler);
    });
  }

  /** Leaves the room; resolves at once if the connection is already closed (the SDK's would wait forever). */
  leave(consented = true): Promise<number> {
    if (!this.room.connection?.isOpen) return Promise.resolve(this.closeCode ?? 1000);
    return this.room.leave(consented);
  }
}

/** A joined room of a registered mode, by name. */
export type RoomOf<M extends ModeName> = ModeRoom<Modes[M]>;
export type RaceRoom = RoomOf<"race">;
export type QuizRoom = RoomOf<"quiz">;
export type WarRoom = RoomOf<"war">;
/** A room of any registered mode (what `takeSeat` returns): switch on `mode`. */
export type AnyModeRoom = { [M in ModeName]: RoomOf<M> }[ModeName];

export interface ConnectOptions {
  /** Guest or player token from `POST /auth/guest`; sent with matchmaking and the WebSocket. */
  token?: string;
}

export class ArenaClient {
  readonly colyseus: Client;

  constructor(
    readonly url: string,
    options: ConnectOptions = {},
  ) {
    this.colyseus = new Client(url);
    if (options.token) this.token = options.token;
  }

  /**
   * Gets a guest token from `POST /auth/guest` and uses it from now on. Call again with the same
   * client to rename: the token it holds makes the server keep the player id.
   */
  async guest(name: string): Promise<GuestAuthResponse> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(new URL("/auth/guest", this.httpBase()), {
      method: "POST",
      headers,
      body: JSON.stringify({ name }),
    });
    const body = (await response.json()) as GuestAuthResponse | HttpErrorBody;
    if (!response.ok || !("token" in body)) {
      const error = body as HttpErrorBody;
      throw new ArenaError(error.code ?? ErrorCode.Internal, error.message ?? `HTTP ${response.status}`, response.status);
    }
    this.token = body.token;
    return body;
  }

  /** The server's HTTP base URL (for routes such as `/leaderboards/:mode`). */
  httpBase(): string {
    return this.url.replace(/^ws(s?):/, "http$1:");
  }

  set token(token: string | undefined) {
    // the SDK sends this as a Bearer header when matchmaking and as `_authToken` on the WebSocket
    this.colyseus.auth.token = token ?? "";
  }

  get token(): string | undefined {
    return this.colyseus.auth.token || undefined;
  }

  /**
   * Joins a room of `mode` with free seats that matches the options, or creates one. Seats held by
   * bots count as free in modes with bots: joining a running match takes a bot's place.
   */
  async join<M extends ModeName>(mode: M, options: OptionsInput<Modes[M]> = {} as OptionsInput<Modes[M]>): Promise<RoomOf<M>> {
    const contract = MODES[mode];
    try {
      const room = await this.colyseus.joinOrCreate(mode, { ...(options as object) }, contract.state as never);
      return new ModeRoom(contract, room) as RoomOf<M>;
    } catch (error) {
      throw ArenaError.from(error);
    }
  }

  /** Takes a seat back after a dropped connection, within the server's reconnection window. */
  async reconnect<M extends ModeName>(mode: M, reconnectionToken: string): Promise<RoomOf<M>> {
    const contract = MODES[mode];
    try {
      return new ModeRoom(contract, await this.colyseus.reconnect(reconnectionToken, contract.state as never)) as RoomOf<M>;
    } catch (error) {
      throw ArenaError.from(error);
    }
  }

  /**
   * Takes a seat reserved over HTTP (`POST /matchmake/...` answered `{ name, roomId, sessionId,
   * processId, publicAddress? }`), e.g. by a lobby service of your own. With several nodes the SDK
   * connects straight to the node hosting the room (`publicAddress`).
   */
  async takeSeat(reservation: SeatReservation): Promise<AnyModeRoom> {
    if (!isModeName(reservation.name)) throw new ArenaError(ErrorCode.InvalidOptions, `unknown room type "${reservation.name}"`);
    const contract = MODES[reservation.name];
    try {
      return new ModeRoom(contract, await this.colyseus.consumeSeatReservation(reservation as never, contract.state as never)) as AnyModeRoom;
    } catch (error) {
      throw ArenaError.from(error);
    }
  }

  /**
   * Watches a live match without taking a seat: its public view only (nothing a player keeps to
   * itself), `SPECTATOR_DELAY_S` behind if the server delays spectators; the room sends
   * `finished` like the players' room. Anything a spectator sends is refused (`NOT_PARTICIPANT`).
   * Without `mode` the room's mode is looked up first (`GET /rooms/:id`).
   */
  async spectate<M extends ModeName>(roomId: string, mode?: M): Promise<M extends ModeName ? RoomOf<M> : AnyModeRoom> {
    let name: string | undefined = mode;
    if (name === undefined) {
      const response = await fetch(new URL(`/rooms/${encodeURIComponent(roomId)}`, this.httpBase()));
      const body = (await response.json()) as RoomSummary | HttpErrorBody;
      if (!response.ok || !("mode" in body)) {
        const error = body as HttpErrorBody;
        throw new ArenaError(error.code ?? ErrorCode.Internal, error.message ?? `HTTP ${response.status}`, response.status);
      }
      name = body.mode;
    }
    if (!isModeName(name)) throw new ArenaError(ErrorCode.NotFound, `unknown mode "${name}"`);
    const contract = MODES[name];
    try {
      const room = await this.colyseus.joinOrCreate(SPECTATE_ROOM, { matchRoomId: roomId }, contract.state as never);
      return new ModeRoom(contract, room, true) as never;
    } catch (error) {
      throw ArenaError.from(error);
    }
  }

  /** `join("race", options)`. */
  joinRace(options?: OptionsInput<Modes["race"]>): Promise<RaceRoom> {
    return this.join("race", options);
  }

  /** `join("quiz", options)`. */
  joinQuiz(options?: OptionsInput<Modes["quiz"]>): Promise<QuizRoom> {
    return this.join("quiz", options);
  }

  /** `join("war", options)`. */
  joinWar(options?: OptionsInput<Modes["war"]>): Promise<WarRoom> {
    return this.join("war", options);
  }
}

/** Creates a client for a server URL, e.g. `connect("http://localhost:2567")`. */
export function connect(url: string, options?: ConnectOptions): ArenaClient {
  return new ArenaClient(url, options);
}
