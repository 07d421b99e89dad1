/**
 * Typed client for the arena game server: join any mode with typed options, read typed state,
 * send and receive typed messages — all derived from the mode's wire contract in `@arena/shared`,
 * nothing typed by hand per mode. A thin layer over @colyseus/sdk; runs in browsers and in Node.
 */
import { Client, type Room } from "@colyseus/sdk";
import {
  ErrorCode,
  MODES,
  PARTY_ROOM,
  SPECTATE_ROOM,
  isModeName,
  normalisePartyCode,
  type GuestAuthResponse,
  type HttpErrorBody,
  type ModeContract,
  type ModeName,
  type Modes,
  type OptionsInput,
  type RoomSummary,
} from "@arena/shared";
import { ArenaError } from "./arena-error.js";
import { ModeRoom } from "./mode-room.js";
import { Party } from "./party.js";
import { QueueTicket } from "./queue.js";

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

export { ArenaError } from "./arena-error.js";
export { ModeRoom } from "./mode-room.js";
export { Party, type PartyEvents } from "./party.js";
export { QueueTicket } from "./queue.js";

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

  /**
   * Queues for a ranked match of `mode`: players of a similar rating (the band widens as they wait)
   * are sent into one match room together. The ticket reports the queue size and time waited
   * (`ticket.on("status", …)`), resolves to the joined match room, and `ticket.cancel()` leaves.
   * A party's leader queues the whole party: the other members follow (their Party emits `queue`).
   */
  queue<M extends ModeName>(mode: M, options: OptionsInput<Modes[M]> = {} as OptionsInput<Modes[M]>): QueueTicket<M> {
    return new QueueTicket(this.colyseus, mode, options);
  }

  /** Creates a party for `mode` (its size limit is the mode's); share `party.code` with friends. */
  async createParty(mode: ModeName): Promise<Party> {
    return this.enterParty(() => this.colyseus.create(PARTY_ROOM, { mode }));
  }

  /** Joins a party by the code its leader shared (any case, spaces ignored). */
  async joinParty(code: string): Promise<Party> {
    return this.enterParty(() => this.colyseus.join(PARTY_ROOM, { code: normalisePartyCode(code) }));
  }

  /** Comes back to a party after a dropped connection, within the reconnection window. */
  async reconnectParty(reconnectionToken: string): Promise<Party> {
    return this.enterParty(() => this.colyseus.reconnect(reconnectionToken));
  }

  private async enterParty(open: () => Promise<Room>): Promise<Party> {
    let room: Room;
    try {
      room = await open();
    } catch (error) {
      throw ArenaError.from(error);
    }
    const party = new Party(room, (mode, options) => this.queue(mode, options as never));
    await party.ready;
    return party;
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
