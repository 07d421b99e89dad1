/**
 * A party: one room per party, found from any node by its code (the room's matchmaking filter),
 * holding its members' connections so they hear of changes at once. The room is the only writer of
 * the party's record in presence, where queue rooms on any node read who belongs to it. The leader
 * is the first member; when the leader leaves, the next member in joining order leads. The party
 * ends when its last member has left (a dropped member's place is held for RECONNECT_WINDOW_S).
 */
import { CloseCode, Room, ServerError, matchMaker, type AuthContext, type Client, type Deferred } from "@colyseus/core";
import {
  ERROR_MESSAGE,
  ErrorCode,
  PARTY_CODE_PATTERN,
  PARTY_KICK_MESSAGE,
  PARTY_KICKED_MESSAGE,
  PARTY_QUEUE_MESSAGE,
  PARTY_STATE_MESSAGE,
  describeIssues,
  normalisePartyCode,
  type ErrorPayload,
  type PartyKickedEvent,
  type PartyQueueEvent,
  type PartyState,
} from "@arena/shared";
import { z } from "zod";
import { enrol } from "../kit/census.js";
import { INVALID_OPTIONS_STATUS, identify, type Identity } from "../kit/join-auth.js";
import type { AnyServerMode } from "../kit/server-mode.js";
import type { RoomServices } from "../kit/services.js";
import type { Logger } from "../observability/logger.js";
import { PARTY_TTL_S, PartyStore, type PartyNotice, type PartyRecord } from "./party-store.js";

/** Create with `{ mode }`; join with `{ code }` (a code given on create is refused: codes are the server's to give). */
const PartyOptions = z.union([
  z.object({ mode: z.string().min(1).max(32) }).strict(),
  z.object({ code: z.string().transform(normalisePartyCode).pipe(z.string().regex(PARTY_CODE_PATTERN, "a party code is six letters and digits")) }).strict(),
]);

const KickPayload = z.object({ playerId: z.string().min(1).max(64) }).strict();

/** HTTP statuses of refused party joins. */
const NOT_FOUND_STATUS = 404;
const CONFLICT_STATUS = 409;

export interface PartyAuth {
  identity: Identity;
  code: string;
  mode: string;
}

/** The party store on the presence Colyseus runs with (Redis with several nodes). */
export function partyStore(): PartyStore {
  return new PartyStore(matchMaker.presence);
}

const refuse = (status: number, code: ErrorCode, message: string) => new ServerError(status, `${code}: ${message}`);

/**
 * `onAuth` of the party room, during matchmaking: the player's token, then either a mode that has
 * parties (create: a fresh code goes into the options, so it becomes the room's filter) or the code
 * of a live party with room for one more. The room checks again when the player arrives.
 */
export function authenticateParty(modes: readonly AnyServerMode[], services: RoomServices) {
  return async (token: string | undefined, options: unknown, context?: AuthContext): Promise<PartyAuth> => {
    const identity = await identify(services, "party", token, context);
    const parsed = PartyOptions.safeParse(options ?? {});
    if (!parsed.success) throw refuse(INVALID_OPTIONS_STATUS, ErrorCode.InvalidOptions, describeIssues(parsed.error));
    const store = partyStore();
    const current = await store.partyOf(identity.playerId);
    if ("mode" in parsed.data) {
      const { mode } = parsed.data;
      if (!modes.some((m) => m.contract.name === mode && m.queue)) {
        throw refuse(INVALID_OPTIONS_STATUS, ErrorCode.InvalidOptions, `mode: no mode "${mode}" with parties; modes: ${modes.filter((m) => m.queue).map((m) => m.contract.name).join(", ")}`);
      }
      if (current) throw refuse(CONFLICT_STATUS, ErrorCode.AlreadyInParty, `you are in party ${current}: leave it first`);
      const code = await store.reserveCode();
      (options as Record<string, unknown>).code = code;
      return { identity, code, mode };
    }
    const { code } = parsed.data;
    const record = await store.read(code);
    if (!record) throw refuse(NOT_FOUND_STATUS, ErrorCode.PartyNotFound, `no party ${code}`);
    if (current && current !== code) throw refuse(CONFLICT_STATUS, ErrorCode.AlreadyInParty, `you are in party ${current}: leave it first`);
    const member = record.members.some((m) => m.playerId === identity.playerId);
    if (!member && record.members.length >= record.maxSize) throw refuse(CONFLICT_STATUS, ErrorCode.PartyFull, `party ${code} has its ${record.maxSize} members`);
    // the filter finds the room by the code as typed: normalised, it is the room's
    (options as Record<string, unknown>).code = code;
    return { identity, code, mode: record.mode };
  };
}

interface Member {
  playerId: string;
  name: string;
  sessionId: string;
  connected: boolean;
}

export class PartyRoom extends Room {
  private code!: string;
  private mode!: string;
  private maxSize!: number;
  private members: Member[] = [];
  private queueing: PartyState["queueing"] = null;
  /** Joins between their check and their claim: counted, so two at once cannot both take the last place. */
  private arriving = 0;
  private readonly held = new Map<string, Deferred<Client>>();
  private refresher: NodeJS.Timeout | undefined;
  private roomLog: Logger | undefined;
  private readonly store = partyStore();
  private readonly onNotice = (notice: PartyNotice) => this.notice(notice);

  constructor(
    private readonly modes: readonly AnyServerMode[],
    private readonly services: RoomServices,
  ) {
    super();
    enrol(this);
  }

  override async onCreate(options: { mode: string; code: string }) {
    const mode = this.modes.find((m) => m.contract.name === options.mode);
    if (!mode?.queue || !PARTY_CODE_PATTERN.test(options.code)) throw refuse(INVALID_OPTIONS_STATUS, ErrorCode.InvalidOptions, "create a party with { mode }");
    this.code = options.code;
    this.mode = mode.contract.name;
    this.maxSize = mode.queue.partyMax;
    // room for members coming back under a new session while their old one is held
    this.maxClients = this.maxSize * 2;
    await this.store.save(this.record());
    await this.store.subscribeTo(this.code, this.onNotice);
    this.refresher = setInterval(() => void this.store.refresh(this.record()).catch((err: unknown) => this.log.warn({ err }, "party refresh failed")), (PARTY_TTL_S * 1000) / 3);
    this.refresher.unref();
    // the code is the matchmaking filter, kept in the metadata: add to it, never replace it
    void this.setMetadata({ ...this.metadata, mode: this.mode, party: true });
    this.onMessage(PARTY_KICK_MESSAGE, (client: Client, payload: unknown) => this.kick(client, payload));
    this.onMessage("*", (client: Client, type: string | number) =>
      this.sendError(client, { code: ErrorCode.UnknownMessage, message: `a party takes "${PARTY_KICK_MESSAGE}" only`, cause: String(type).slice(0, 64) }),
    );
    this.log.info({ maxSize: this.maxSize }, "party created");
  }

  override async onJoin(client: Client, _options: unknown, auth?: PartyAuth) {
    if (!auth) throw refuse(401, ErrorCode.Unauthorized, "join without matchmaking");
    const { playerId, displayName } = auth.identity;
    const existing = this.members.find((m) => m.playerId === playerId);
    if (existing) {
      if (existing.connected) throw refuse(CONFLICT_STATUS, ErrorCode.AlreadyInParty, "you are in this party already");
      // the same player under a new session: their held place is theirs again
      this.held.get(existing.sessionId)?.reject(false);
      this.held.delete(existing.sessionId);
      Object.assign(existing, { sessionId: client.sessionId, connected: true, name: displayName });
    } else {
      if (this.members.length + this.arriving >= this.maxSize) throw refuse(CONFLICT_STATUS, ErrorCode.PartyFull, `party ${this.code} has its ${this.maxSize} members`);
      this.arriving++;
      let claimed: boolean;
      try {
        claimed = await this.store.claim(playerId, this.code);
      } finally {
        this.arriving--;
      }
      if (!claimed) throw refuse(CONFLICT_STATUS, ErrorCode.AlreadyInParty, "you are in another party: leave it first");
      this.members.push({ playerId, name: displayName, sessionId: client.sessionId, connected: true });
    }
    this.log.info({ playerId, members: this.members.length }, "party member joined");
    await this.changed();
  }

  /** A dropped member keeps their place for the reconnection window. */
  override onDrop(client: Client, code?: number): void {
    const member = this.memberOf(client);
    if (!member || code === CloseCode.WITH_ERROR) return;
    member.connected = false;
    void this.changed();
    const reconnection = this.allowReconnection(client, this.services.config.reconnectWindowSeconds);
    this.held.set(client.sessionId, reconnection);
    const forget = () => this.held.delete(client.sessionId);
    reconnection.then(forget, forget);
  }

  override onReconnect(client: Client): void {
    const member = this.memberOf(client);
    if (!member) return;
    member.connected = true;
    void this.changed();
  }

  override async onLeave(client: Client) {
    const member = this.memberOf(client);
    if (member) await this.remove(member);
  }

  private async remove(member: Member): Promise<void> {
    this.members = this.members.filter((m) => m !== member);
    await this.store.release(member.playerId, this.code);
    this.log.info({ playerId: member.playerId, members: this.members.length }, "party member left");
    if (this.members.length > 0) await this.changed();
  }

  override onDispose(): void {
    clearInterval(this.refresher);
    if (this.code === undefined) return;
    this.store.unsubscribeFrom(this.code, this.onNotice);
    this.store.drop(this.code);
    this.log.info("party ended");
  }

  override onBeforeShutdown(): void {
    void this.disconnect(CloseCode.SERVER_SHUTDOWN);
  }

  override onUncaughtException(error: Error, methodName: string): void {
    this.log.error({ err: error, method: methodName }, "uncaught exception in party room");
  }

  private get log(): Logger {
    this.roomLog ??= this.services.logger.child({ roomId: this.roomId, party: this.code, mode: this.mode });
    return this.roomLog;
  }

  private memberOf(client: Client): Member | undefined {
    return this.members.find((m) => m.sessionId === client.sessionId);
  }

  private get leader(): Member | undefined {
    return this.members[0];
  }

  private record(): PartyRecord {
    return {
      code: this.code,
      mode: this.mode,
      roomId: this.roomId,
      leader: this.leader?.playerId ?? "",
      maxSize: this.maxSize,
      members: this.members.map(({ playerId, name }) => ({ playerId, name })),
      queueing: this.queueing,
    };
  }

  private shown(): PartyState {
    return {
      code: this.code,
      mode: this.mode,
      leader: this.leader?.playerId ?? "",
      maxSize: this.maxSize,
      members: this.members.map(({ playerId, name, connected }) => ({ playerId, name, connected })),
      queueing: this.queueing,
    };
  }

  /** Stores the party for every node and shows it to its members. */
  private async changed(): Promise<void> {
    await this.store.save(this.record());
    this.broadcast(PARTY_STATE_MESSAGE, this.shown());
  }

  private kick(client: Client, payload: unknown): void {
    const parsed = KickPayload.safeParse(payload);
    if (!parsed.success) return this.sendError(client, { code: ErrorCode.InvalidMessage, message: describeIssues(parsed.error), cause: PARTY_KICK_MESSAGE });
    const by = this.memberOf(client);
    if (!by || by !== this.leader) return this.sendError(client, { code: ErrorCode.NotPartyLeader, message: "only the party's leader kicks", cause: PARTY_KICK_MESSAGE });
    const target = this.members.find((m) => m.playerId === parsed.data.playerId);
    if (!target) return this.sendError(client, { code: ErrorCode.NotInParty, message: `${parsed.data.playerId} is not in this party`, cause: PARTY_KICK_MESSAGE });
    if (target === by) return this.sendError(client, { code: ErrorCode.InvalidMessage, message: "the leader leaves rather than kicks themselves", cause: PARTY_KICK_MESSAGE });
    this.log.info({ playerId: target.playerId }, "party member kicked");
    // out of the party first: the connection closing next is then no drop to hold a place for
    void this.remove(target);
    this.held.get(target.sessionId)?.reject(false);
    const kicked: PartyKickedEvent = { by: by.playerId };
    const targetClient = this.clients.getById(target.sessionId);
    targetClient?.send(PARTY_KICKED_MESSAGE, kicked);
    targetClient?.leave(CloseCode.NORMAL_CLOSURE);
  }

  /** What queue rooms (on any node) say of this party's queue. */
  private notice(notice: PartyNotice): void {
    if (notice.type === "queue") {
      this.queueing = { options: notice.options };
      const event: PartyQueueEvent = { mode: notice.mode, options: notice.options };
      for (const member of this.members.slice(1)) this.clients.getById(member.sessionId)?.send(PARTY_QUEUE_MESSAGE, event);
    } else {
      this.queueing = null;
    }
    void this.changed();
  }

  private sendError(client: Client, error: ErrorPayload): void {
    client.send(ERROR_MESSAGE, error);
  }
}

export function partyRoomFor(modes: readonly AnyServerMode[], services: RoomServices): (new () => PartyRoom) & { onAuth: ReturnType<typeof authenticateParty> } {
  return class Party extends PartyRoom {
    static override onAuth = authenticateParty(modes, services);
    constructor() {
      super(modes, services);
    }
  };
}
