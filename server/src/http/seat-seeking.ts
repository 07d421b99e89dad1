import { ErrorCode as ColyseusErrorCode, ServerError, matchMaker, type AuthContext, type IRoomCache } from "@colyseus/core";
import { SeatReservationError } from "@colyseus/core/errors/SeatReservationError";
import { ErrorCode } from "@arena/shared";

/** The matchmaking calls that look for a room with a free seat. */
export type SeatSeekingMethod = "joinOrCreate" | "join";

/** Rooms one request tries at most; Colyseus' own joinOrCreate makes up to six attempts too. */
const MAX_ATTEMPTS = 6;

/**
 * What a seat-seeking request needs of Colyseus' matchmaker: its exported parts, replaceable in a
 * unit test of the selection alone.
 */
export interface SeatMatchmaker {
  handler(roomName: string): { filter(options: Record<string, unknown>): Record<string, unknown>; sort: Record<string, 1 | -1> | undefined };
  onAuth(roomName: string, options: Record<string, unknown>, auth: AuthContext): Promise<unknown>;
  openRooms(conditions: Partial<IRoomCache>, sort: Record<string, 1 | -1> | undefined): Promise<IRoomCache[]>;
  createRoom(roomName: string, options: Record<string, unknown>): Promise<IRoomCache>;
  reserveSeatFor(room: IRoomCache, options: Record<string, unknown>, authData: unknown): Promise<unknown>;
}

/** Colyseus' matchmaker as `seekSeat` uses it. */
export const colyseusMatchmaker: SeatMatchmaker = {
  handler(roomName) {
    const handler = matchMaker.getHandler(roomName);
    return { filter: (options) => handler.getFilterOptions(options), sort: handler.sortOptions as Record<string, 1 | -1> | undefined };
  },
  // Colyseus' callOnAuth, which it does not export: the room type's static onAuth, `true` meaning no auth data
  async onAuth(roomName, options, auth) {
    const roomClass = matchMaker.getRoomClass(roomName) as { onAuth?: (token: string, options: unknown, context: AuthContext) => unknown } | undefined;
    const onAuth = roomClass?.onAuth;
    if (!onAuth) return undefined;
    const result = await onAuth(auth.token as string, options, auth);
    if (result === false || result === null || result === undefined) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "onAuth failed");
    return result === true ? undefined : result;
  },
  openRooms: async (conditions, sort) => matchMaker.driver.query(conditions, sort),
  createRoom: (roomName, options) => matchMaker.createRoom(roomName, options),
  reserveSeatFor: (room, options, authData) => matchMaker.reserveSeatFor(room, options, authData),
};

/**
 * `joinOrCreate` and `join` as Colyseus does them, without its waits. Colyseus' matchmaker is
 * optimistic: when two nodes pick the same room and one misses the last seat (the listing it read
 * was a few milliseconds old), it tries again after a random backoff of 0–800 ms, then 0–1.6 s, and
 * on the same listing read afresh; and when it finds no room while another request of the cluster is
 * creating one, it waits up to 0.5–1.1 s for that room to be announced, which it is not if that
 * request found a room after all. On two nodes this refused 5 % of joins at the 700 ms deadline.
 *
 * Here a room whose reservation failed is left out of the request's next pick, which follows at once:
 * the next room of the listing, or a new one when none is left. There is no lock on creation: two
 * nodes that find no room at the same moment each open one, and later joins fill both.
 */
export async function seekSeat(
  method: SeatSeekingMethod,
  roomName: string,
  /** The request's JSON body, checked by the room type's onAuth and onJoin as with Colyseus' route. */
  body: unknown,
  auth: AuthContext,
  /** True once the request was answered (deadline, outage): it stops before its next attempt. */
  abandoned: () => boolean,
  /** Called for each room whose reservation failed. */
  onMiss: () => void = () => {},
  mm: SeatMatchmaker = colyseusMatchmaker,
): Promise<unknown> {
  const options = (body ?? {}) as Record<string, unknown>;
  try {
    const handler = mm.handler(roomName);
    const authData = await mm.onAuth(roomName, options, auth);
    const conditions: Partial<IRoomCache> = { locked: false, name: roomName, private: false, ...handler.filter(options) };
    const missed = new Set<string>();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (abandoned()) throw new ServerError(503, `${ErrorCode.Unavailable}: the request was answered already`);
      const rooms = await mm.openRooms(conditions, handler.sort);
      let room = rooms.find((candidate) => !missed.has(candidate.roomId));
      if (!room) {
        if (method === "join") throw new ServerError(ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA, "no rooms found with provided criteria");
        room = await mm.createRoom(roomName, options);
      }
      try {
        return await mm.reserveSeatFor(room, options, authData);
      } catch (error) {
        if (!(error instanceof SeatReservationError)) throw error;
        missed.add(room.roomId);
        onMiss();
      }
    }
    throw new ServerError(ColyseusErrorCode.MATCHMAKE_UNHANDLED, `no free seat in ${MAX_ATTEMPTS} rooms of "${roomName}"`);
  } catch (error) {
    // as Colyseus' controller hands its errors to the route: a ServerError with the code kept
    const { code, message } = error as { code?: unknown; message?: unknown };
    throw new ServerError(typeof code === "number" ? code : ColyseusErrorCode.MATCHMAKE_UNHANDLED, String(message));
  }
}
