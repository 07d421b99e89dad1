/**
 * Spectators watch a match through a mirror room on the match's node: it subscribes to the match's
 * feed and re-plays it through the same pure rules, `SPECTATOR_DELAY_S` behind, projecting the
 * public view only (nothing a projection keeps for one seat's StateView). Spectators therefore never
 * take a seat, never count against a room filling up, never appear in results, and can see nothing
 * a player could not see — or anything at all before the delay has passed.
 */
import { CloseCode, Room, ServerError, matchMaker, type AuthContext, type Client } from "@colyseus/core";
import { ERROR_MESSAGE, ErrorCode, FINISHED_MESSAGE, SPECTATE_ROOM, describeIssues, type ErrorPayload, type ModeContract } from "@arena/shared";
import type { ProjectionContext } from "@arena/shared/kit/projection";
import { advanceTo, type MatchClock, type MatchSetup, type RulesInput, type Time } from "@arena/shared/kit/rules";
import type { Schema } from "@colyseus/schema";
import { z } from "zod";
import { TokenError } from "../auth/tokens.js";
import type { Logger } from "../observability/logger.js";
import { enrol, meterSocket } from "./census.js";
import { UNAUTHORIZED_STATUS, type Identity } from "./join-auth.js";
import { localMatch, type FeedEvent, type FeedSnapshot } from "./match-feed.js";
import { MessageGate } from "./message-gate.js";
import { RoomTimers } from "./room-timers.js";
import type { Announcer, AnyServerMode } from "./server-mode.js";
import type { RoomServices } from "./services.js";

/** Room name of spectator mirrors (census.ts counts their clients as spectators of the match's mode). */
export { SPECTATE_ROOM };

/** Join options of a mirror: the room id of the match (`roomId` itself is Colyseus' own option). */
export const SpectateOptions = z.object({ matchRoomId: z.string().min(1).max(64) }).strict();

/** HTTP status of a spectator refused by a limit (the code says which: `SPECTATORS_FULL`). */
export const SPECTATORS_FULL_STATUS = 503;

/**
 * The mirrors on this process, by the room id of the match they show. One per match: a full mirror
 * is locked, and Colyseus would create a second one for the next spectator rather than refuse it.
 */
const mirrors = new Map<string, SpectatorRoom>();

/** Spectators connected to this process, for the per-node limit (counted from the mirrors themselves). */
export function spectatorsOnThisNode(): number {
  let count = 0;
  for (const mirror of mirrors.values()) count += mirror.clients.length;
  return count;
}

interface Pending {
  at: Time;
  input: RulesInput<Record<string, unknown>>;
}

export class SpectatorRoom extends Room<{ state: Schema }> {
  private readonly timers = new RoomTimers();
  private readonly gate: MessageGate;
  private mode!: AnyServerMode;
  private matchRoomId = "";
  private snapshot!: FeedSnapshot;
  private sourceNow!: () => Time;
  private unsubscribe: (() => void) | undefined;
  private clockKind!: MatchClock;
  private match: unknown;
  private startedAtMs = 0;
  private readonly pending: Pending[] = [];
  private keys: Record<string, string> = {};
  private sourceEnded = false;
  /** `started` speaks once the delayed view reaches the start, like every other announcement. */
  private startAnnounced = false;
  private finished = false;
  private roomLog: Logger | undefined;

  constructor(
    private readonly modes: readonly AnyServerMode[],
    private readonly services: RoomServices,
  ) {
    super();
    enrol(this);
    this.gate = new MessageGate(services.config.limits, {});
    this.patchRate = 1000 / services.config.patchRateHz;
  }

  override onCreate(rawOptions: unknown) {
    const { matchRoomId: roomId } = SpectateOptions.parse(rawOptions);
    const { perRoom } = this.services.config.spectators;
    if (mirrors.has(roomId)) throw new ServerError(SPECTATORS_FULL_STATUS, `${ErrorCode.SpectatorsFull}: match ${roomId} has its ${perRoom} spectators`);
    const source = localMatch(roomId);
    if (!source) throw new ServerError(404, `${ErrorCode.NotFound}: no running match ${roomId} on this node`);
    const subscription = source.subscribe((event) => this.onFeed(event));
    this.unsubscribe = subscription.unsubscribe;
    this.snapshot = subscription.snapshot;
    this.sourceNow = () => source.now();
    this.matchRoomId = roomId;
    const mode = this.modes.find((m) => m.contract.name === this.snapshot.mode);
    if (!mode) throw new Error(`spectating an unknown mode ${this.snapshot.mode}`);
    this.mode = mode;
    this.maxClients = perRoom;
    this.keys = { ...this.snapshot.keys };
    this.state = mode.projection.create(this.snapshot.seed, this.snapshot.settings, this.snapshot.matchId);
    mode.projection.lobby(this.state, this.snapshot.lobby);
    if (this.snapshot.start) this.begin(this.snapshot.start.setup, this.snapshot.start.startedAtMs);
    for (const [at, input] of this.snapshot.inputs) this.pending.push({ at, input });
    this.sourceEnded = this.snapshot.ended;
    void this.setMetadata({ ...this.metadata, mode: mode.contract.name });
    this.onMessage("*", (client: Client, type: string | number, payload: unknown) => this.refuse(client, type, payload));
    // the mirror catches up with the match (less the delay) on its own clock
    this.timers.setInterval(() => this.catchUp(), 1000 / this.services.config.tickRateHz);
    mirrors.set(roomId, this);
    this.log.info({ matchRoomId: roomId, delayMs: this.services.config.spectators.delayMs }, "spectator mirror created");
  }

  override onJoin(client: Client): void {
    // the joining client is already among this room's clients
    const { perNode } = this.services.config.spectators;
    if (spectatorsOnThisNode() > perNode) throw new ServerError(SPECTATORS_FULL_STATUS, `${ErrorCode.SpectatorsFull}: this node has its ${perNode} spectators`);
    meterSocket(client, this.services.metrics.tally(this.mode.contract.name));
  }

  override onLeave(client: Client): void {
    this.gate.forget(client);
  }

  override onBeforeShutdown(): void {
    void this.disconnect(CloseCode.SERVER_SHUTDOWN);
  }

  override onBeforePatch(): void {
    if (this.match !== undefined) this.mode.projection.project(this.state, this.match, this.context);
  }

  override onUncaughtException(error: Error, methodName: string): void {
    // a spectator or a mirror refused (a limit, a match gone) is no fault of the room
    const cause = error.cause;
    if ((methodName === "onCreate" || methodName === "onJoin") && cause instanceof ServerError) {
      this.log.info({ method: methodName, reason: cause.message }, "spectator refused");
      return;
    }
    this.log.error({ err: error, method: methodName }, "uncaught exception in spectator room");
  }

  override onDispose(): void {
    if (mirrors.get(this.matchRoomId) === this) mirrors.delete(this.matchRoomId);
    this.unsubscribe?.();
    this.timers.clearAll();
  }

  private get log(): Logger {
    this.roomLog ??= this.services.logger.child({ roomId: this.roomId, mode: SPECTATE_ROOM });
    return this.roomLog;
  }

  private readonly context: ProjectionContext = ((room: SpectatorRoom) => ({
    keyOf: (playerId: string, seat: number) => room.keys[playerId] ?? `bot-${seat}`,
    connected: () => true,
    get now() {
      return room.match === undefined ? 0 : room.mode.rules.now(room.match);
    },
  }))(this);

  private onFeed(event: FeedEvent): void {
    switch (event.kind) {
      case "lobby":
        if (this.match === undefined) this.mode.projection.lobby(this.state, event.lobby);
        return;
      case "start":
        this.begin(event.setup, event.startedAtMs);
        return;
      case "input":
        this.pending.push({ at: event.at, input: event.input });
        return;
      case "keys":
        this.keys = { ...event.keys };
        return;
      case "end":
        this.sourceEnded = true;
        // a lobby that closed without a match: nothing left to watch
        if (this.match === undefined) void this.disconnect();
        return;
    }
  }

  private begin(setup: MatchSetup<unknown>, startedAtMs: number): void {
    this.clockKind = this.mode.rules.clock(setup.settings);
    this.match = this.mode.rules.create(setup);
    this.startedAtMs = startedAtMs;
  }

  /** What the mode tells everyone reaches spectators too (delayed like the state); nothing for one seat does. */
  private readonly announcer: Announcer<ModeContract> = {
    broadcast: (type, payload, options) => this.broadcast(type, payload, options?.afterNextPatch ? { afterNextPatch: true } : undefined),
    toSeat: () => {},
    sessionOf: (playerId) => this.keys[playerId] ?? null,
  };

  /**
   * The match time the mirror may show now: the delay behind the wall clock, and never ahead of the
   * match itself (a late tick loop, or the last input not in yet).
   */
  private target(): Time {
    const elapsed = this.timers.now() - this.startedAtMs - this.services.config.spectators.delayMs;
    const wall = this.clockKind.kind === "tick" ? Math.floor((elapsed * this.clockKind.hz) / 1000) : elapsed;
    return Math.min(wall, this.sourceNow());
  }

  private catchUp(): void {
    if (this.match === undefined || this.finished) return;
    const { rules } = this.mode;
    const target = this.target();
    if (target < 0) return;
    let match = this.match;
    if (!this.startAnnounced) {
      this.startAnnounced = true;
      this.mode.started?.(match, this.announcer);
    }
    const events: unknown[] = [];
    // inputs in the order the match applied them, each at its own time, up to the target
    while (this.pending.length > 0 && this.pending[0]!.at <= target) {
      const { at, input } = this.pending.shift()!;
      match = advanceTo(rules, this.clockKind, match, at, events);
      const step = rules.apply(match, input, at);
      if (step.refused) {
        this.log.error({ at, input, code: step.code }, "the mirror's rules refused an input the match accepted");
        continue;
      }
      match = step.state;
      events.push(...step.events);
    }
    if (!rules.isOver(match)) match = advanceTo(rules, this.clockKind, match, target, events);
    this.match = match;
    if (events.length > 0) this.mode.announce?.(events, match, this.announcer);
    if (rules.isOver(match) && (this.sourceEnded || this.pending.length === 0)) this.end();
  }

  private end(): void {
    this.finished = true;
    const outcome = this.mode.rules.outcome(this.match);
    this.mode.projection.project(this.state, this.match, this.context);
    this.broadcastPatch();
    const finished = this.mode.finished(outcome, { matchId: this.snapshot.matchId, state: this.match, sessionOf: (playerId) => this.keys[playerId] ?? null });
    this.broadcast(FINISHED_MESSAGE, finished);
    this.timers.setTimeout(() => void this.disconnect(), this.services.config.postMatchLingerMs);
  }

  /** Spectators send nothing but leave: anything else gets a typed error (and counts against the rate limit). */
  private refuse(client: Client, type: string | number, payload: unknown): void {
    const verdict = this.gate.check(client, type, payload, Date.now());
    let error: ErrorPayload | undefined;
    if (verdict.kind === "warn" || verdict.kind === "disconnect") error = verdict.error;
    else if (verdict.kind !== "drop") error = { code: ErrorCode.NotParticipant, message: "spectators send nothing; leave with LEAVE_ROOM", cause: String(type).slice(0, 64) };
    if (error) client.send(ERROR_MESSAGE, error);
    if (verdict.kind === "disconnect") client.leave(CloseCode.WITH_ERROR);
  }
}

/** `onAuth` of spectator rooms: a valid player token and a room id; the match must be live somewhere, with room for one more spectator. */
export function authenticateSpectator(services: RoomServices) {
  return async (token: string | undefined, options: unknown, context?: AuthContext): Promise<{ identity: Identity; spectator: true }> => {
    let identity: Identity;
    try {
      identity = await services.tokens.verify(token ?? context?.token);
    } catch (error) {
      const reason = error instanceof TokenError ? error.message : "invalid token";
      throw new ServerError(UNAUTHORIZED_STATUS, `${ErrorCode.Unauthorized}: ${reason}`);
    }
    const parsed = SpectateOptions.safeParse(options);
    if (!parsed.success) throw new ServerError(400, `${ErrorCode.InvalidOptions}: ${describeIssues(parsed.error)}`);
    const { matchRoomId } = parsed.data;
    const { perRoom } = services.config.spectators;
    if (perRoom === 0) throw new ServerError(403, `${ErrorCode.Unavailable}: spectating is switched off`);
    const [listing] = await matchMaker.query({ roomId: matchRoomId });
    if (!listing || listing.name === SPECTATE_ROOM) throw new ServerError(404, `${ErrorCode.NotFound}: no match ${matchRoomId}`);
    const [mirror] = await matchMaker.query({ name: SPECTATE_ROOM, matchRoomId });
    if (mirror && mirror.clients >= perRoom) throw new ServerError(SPECTATORS_FULL_STATUS, `${ErrorCode.SpectatorsFull}: match ${matchRoomId} has its ${perRoom} spectators`);
    return { identity, spectator: true };
  };
}

/** Colyseus' own choice: the process with the fewest rooms. */
async function fewestRooms(): Promise<string> {
  const all = await matchMaker.stats.fetchAll();
  return all.sort((a, b) => a.roomCount - b.roomCount)[0]?.processId ?? matchMaker.processId;
}

/** Spectator mirrors are created on the node that runs the match; other rooms where Colyseus would put them. */
export function placeRooms(fallback: (roomName: string, options: unknown) => Promise<string> = fewestRooms) {
  return async (roomName: string, options: unknown): Promise<string> => {
    if (roomName === SPECTATE_ROOM) {
      const parsed = SpectateOptions.safeParse(options);
      if (parsed.success) {
        const [listing] = await matchMaker.query({ roomId: parsed.data.matchRoomId });
        if (listing?.processId) return listing.processId;
      }
    }
    return fallback(roomName, options);
  };
}
