/**
 * Typed client for the arena game server: join a mode with typed options, read typed state,
 * send typed inputs. A thin layer over @colyseus/sdk; runs in browsers and in Node.
 */
import { Client, ServerError, type Room } from "@colyseus/sdk";
import {
  ERROR_MESSAGE,
  ErrorCode,
  QUIZ_ROOM,
  QuizMessage,
  QuizServerMessage,
  QuizState,
  RACE_ROOM,
  RaceMessage,
  RaceServerMessage,
  RaceState,
  WAR_ROOM,
  WarMessage,
  WarServerMessage,
  WarState,
  type ErrorPayload,
  type GuestAuthResponse,
  type HttpErrorBody,
  type QuizAnswer,
  type QuizFinishedPayload,
  type QuizJoinOptionsInput,
  type QuizQuestionPayload,
  type QuizRoundResultPayload,
  type RaceCountdownPayload,
  type RaceFinishedPayload,
  type RaceStartedPayload,
  type RaceInput,
  type RaceJoinOptionsInput,
  type WarFinishedPayload,
  type WarJoinOptionsInput,
  type WarArrivedPayload,
  type WarMapPayload,
  type WarMove,
  type WarPlayer,
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

type MessageMap = Record<string, unknown>;

/** A joined room with typed state, outgoing and incoming messages. */
export class GameRoom<State, Outgoing extends MessageMap, Incoming extends MessageMap> {
  private readonly lastErrors: ErrorPayload[] = [];
  /** The close code once the connection has ended. */
  closeCode: number | undefined;

  /**
   * @param room the underlying @colyseus/sdk room; this class adds the types.
   * @param incoming the server message types of this mode, registered up front so none arrives unhandled.
   */
  constructor(
    readonly room: Room,
    incoming: ReadonlyArray<keyof Incoming & string> = [],
  ) {
    for (const type of incoming) room.onMessage(type, () => {});
    room.onLeave((code: number) => {
      this.closeCode = code;
    });
    room.onMessage(ERROR_MESSAGE, (payload: ErrorPayload) => {
      this.lastErrors.push(payload);
      if (this.lastErrors.length > 50) this.lastErrors.shift();
    });
  }

  get state(): State {
    return this.room.state as State;
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  get roomId(): string {
    return this.room.roomId;
  }

  /** Pass to `ArenaClient.reconnect*` to take this seat back after a dropped connection. */
  get reconnectionToken(): string {
    return this.room.reconnectionToken;
  }

  /** Typed errors the server sent to this client, newest last (bounded). */
  get errors(): readonly ErrorPayload[] {
    return this.lastErrors;
  }

  send<K extends keyof Outgoing & string>(type: K, payload: Outgoing[K]): void {
    this.room.send(type, payload);
  }

  on<K extends keyof Incoming & string>(type: K, listener: (payload: Incoming[K]) => void): () => void {
    return this.room.onMessage(type, listener);
  }

  onError(listener: (error: ErrorPayload) => void): () => void {
    return this.room.onMessage(ERROR_MESSAGE, listener);
  }

  onStateChange(listener: (state: State) => void): () => void {
    const handler = (state: State) => listener(state);
    this.room.onStateChange(handler);
    return () => this.room.onStateChange.remove(handler);
  }

  onLeave(listener: (code: number) => void): void {
    this.room.onLeave(listener);
  }

  /** Resolves with the next message of a type, or rejects after `timeoutMs`. */
  next<K extends (keyof Incoming & string) | typeof ERROR_MESSAGE>(
    type: K,
    timeoutMs = 10_000,
  ): Promise<K extends keyof Incoming ? Incoming[K] : ErrorPayload> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.room.onMessage(type, (payload: K extends keyof Incoming ? Incoming[K] : ErrorPayload) => {
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }

  /** Resolves when `predicate(state)` holds after a state update, or rejects after `timeoutMs`. */
  waitFor(predicate: (state: State) => boolean, timeoutMs = 10_000): Promise<State> {
    const current = this.room.state as State | undefined;
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const handler = (state: State) => {
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

export type RaceOutgoing = { [RaceMessage.Input]: RaceInput };
export type RaceIncoming = {
  [RaceServerMessage.Countdown]: RaceCountdownPayload;
  [RaceServerMessage.Started]: RaceStartedPayload;
  [RaceServerMessage.Finished]: RaceFinishedPayload;
  [ERROR_MESSAGE]: ErrorPayload;
};

export class RaceRoom extends GameRoom<RaceState, RaceOutgoing, RaceIncoming> {
  constructor(room: Room) {
    super(room, [RaceServerMessage.Countdown, RaceServerMessage.Started, RaceServerMessage.Finished]);
  }

  /** Sends a control input: throttle 0..1, steer −1/0/+1, boost. */
  input(input: RaceInput): void {
    this.send(RaceMessage.Input, input);
  }
}

export type WarOutgoing = { [WarMessage.Move]: WarMove };
export type WarIncoming = {
  [WarServerMessage.Map]: WarMapPayload;
  [WarServerMessage.Arrived]: WarArrivedPayload;
  [WarServerMessage.Finished]: WarFinishedPayload;
  [ERROR_MESSAGE]: ErrorPayload;
};

export class WarRoom extends GameRoom<WarState, WarOutgoing, WarIncoming> {
  constructor(room: Room) {
    super(room, [WarServerMessage.Map, WarServerMessage.Arrived, WarServerMessage.Finished]);
  }

  /** Walks to an adjacent zone (`zone.neighbours`); the walk takes time, during which you are in no zone. */
  move(to: number): void {
    this.send(WarMessage.Move, { to });
  }

  /** This client's player: faction, zone or walk, contribution. Undefined before the state arrives. */
  get me(): WarPlayer | undefined {
    return this.state?.players?.get(this.sessionId);
  }
}

export type QuizOutgoing = { [QuizMessage.Answer]: QuizAnswer };
export type QuizIncoming = {
  [QuizServerMessage.Question]: QuizQuestionPayload;
  [QuizServerMessage.RoundResult]: QuizRoundResultPayload;
  [QuizServerMessage.Finished]: QuizFinishedPayload;
  [ERROR_MESSAGE]: ErrorPayload;
};

export class QuizRoom extends GameRoom<QuizState, QuizOutgoing, QuizIncoming> {
  constructor(room: Room) {
    super(room, [QuizServerMessage.Question, QuizServerMessage.RoundResult, QuizServerMessage.Finished]);
  }

  /**
   * Answers a round (by default the current one): an option index for a choice question, a number
   * inside `question.minValue..maxValue` for a number question. One answer per round counts.
   */
  answer(answer: number, round: number = this.state.round): void {
    this.send(QuizMessage.Answer, { round, answer });
  }
}

export interface ConnectOptions {
  /** Guest or player token from `POST /auth/guest`; sent with matchmaking and the WebSocket. */
  token?: string;
}

export class ArenaClient {
  readonly colyseus: Client;

  constructor(readonly url: string, options: ConnectOptions = {}) {
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

  private httpBase(): string {
    return this.url.replace(/^ws(s?):/, "http$1:");
  }

  set token(token: string | undefined) {
    // the SDK sends this as a Bearer header when matchmaking and as `_authToken` on the WebSocket
    this.colyseus.auth.token = token ?? "";
  }

  get token(): string | undefined {
    return this.colyseus.auth.token || undefined;
  }

  /** Joins a race with free seats that matches the options, or creates one. */
  async joinRace(options: RaceJoinOptionsInput = {}): Promise<RaceRoom> {
    return new RaceRoom(await this.join(RACE_ROOM, options, RaceState));
  }

  /** Takes a race seat back after a dropped connection, within the server's reconnection window. */
  async reconnectRace(reconnectionToken: string): Promise<RaceRoom> {
    return new RaceRoom(await this.reconnect(reconnectionToken, RaceState));
  }

  /**
   * Joins a war with free seats that matches the options, or creates one. Seats held by bots count as
   * free: joining a running war takes a bot's place. A full `faction` choice places you in the
   * faction with the fewest humans instead (see `me.faction`).
   */
  async joinWar(options: WarJoinOptionsInput = {}): Promise<WarRoom> {
    return new WarRoom(await this.join(WAR_ROOM, options, WarState));
  }

  /** Takes a war seat back after a dropped connection, within the server's reconnection window. */
  async reconnectWar(reconnectionToken: string): Promise<WarRoom> {
    return new WarRoom(await this.reconnect(reconnectionToken, WarState));
  }

  /** Joins a quiz with free seats that matches the options, or creates one. */
  async joinQuiz(options: QuizJoinOptionsInput = {}): Promise<QuizRoom> {
    return new QuizRoom(await this.join(QUIZ_ROOM, options, QuizState));
  }

  /** Takes a quiz seat back after a dropped connection, within the server's reconnection window. */
  async reconnectQuiz(reconnectionToken: string): Promise<QuizRoom> {
    return new QuizRoom(await this.reconnect(reconnectionToken, QuizState));
  }

  private async reconnect(reconnectionToken: string, rootSchema: new () => object): Promise<Room> {
    try {
      return await this.colyseus.reconnect(reconnectionToken, rootSchema as never);
    } catch (error) {
      throw ArenaError.from(error);
    }
  }

  /**
   * Takes a seat reserved over HTTP (`POST /matchmake/...` answered `{ name, roomId, sessionId,
   * processId, publicAddress? }`), e.g. by a lobby service of your own. With several nodes the SDK
   * connects straight to the node hosting the room (`publicAddress`).
   */
  async takeSeat(reservation: SeatReservation): Promise<RaceRoom | QuizRoom | WarRoom> {
    const schemaOf = { [RACE_ROOM]: RaceState, [QUIZ_ROOM]: QuizState, [WAR_ROOM]: WarState } as const;
    const mode = reservation.name as keyof typeof schemaOf;
    const rootSchema = schemaOf[mode];
    if (!rootSchema) throw new ArenaError(ErrorCode.InvalidOptions, `unknown room type "${reservation.name}"`);
    let room: Room;
    try {
      room = await this.colyseus.consumeSeatReservation(reservation as never, rootSchema as never);
    } catch (error) {
      throw ArenaError.from(error);
    }
    return mode === RACE_ROOM ? new RaceRoom(room) : mode === QUIZ_ROOM ? new QuizRoom(room) : new WarRoom(room);
  }

  private async join(roomName: string, options: object, rootSchema: new () => object): Promise<Room> {
    try {
      return await this.colyseus.joinOrCreate(roomName, { ...options }, rootSchema as never);
    } catch (error) {
      throw ArenaError.from(error);
    }
  }
}

/** Creates a client for a server URL, e.g. `connect("http://localhost:2567")`. */
export function connect(url: string, options?: ConnectOptions): ArenaClient {
  return new ArenaClient(url, options);
}
