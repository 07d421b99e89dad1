/**
 * A mode's skill-based queue: Colyseus' QueueRoom with arena's grouping. QueueRoom brings the room
 * (one per mode and matchmaking filter, found by matchmaking from any node), the cycle, the group
 * hand-off (`onGroupReady` creates the match room, seats are reserved for the whole group, each
 * client gets `seat` and answers `confirm`); arena replaces its grouping (`reassignMatchGroups`)
 * with the pure `formGroups`, which keeps parties whole and in one team and widens the rating band
 * by waiting time (see README, "Queueing"). The queue tells every waiting player the queue size,
 * their wait and band once a cycle.
 */
import { CloseCode, ServerError, matchMaker, type AuthContext, type Client, type IRoomCache } from "@colyseus/core";
import { QueueRoom, type QueueMatchGroup, type QueueOptions } from "@colyseus/core";
import { ERROR_MESSAGE, ErrorCode, QUEUE_STATUS_MESSAGE, type ErrorPayload, type ModeContract, type OptionsOf, type QueueStatus } from "@arena/shared";
import { enrol } from "../kit/census.js";
import { authenticateJoin, type JoinAuth } from "../kit/join-auth.js";
import { QUEUED_HUMANS_OPTION } from "../kit/match-room.js";
import type { QueuePlan, ServerMode } from "../kit/server-mode.js";
import type { RoomServices } from "../kit/services.js";
import type { Logger } from "../observability/logger.js";
import { partyStore } from "../party/party-room.js";
import { bandAt, fits, formGroups, partyRating, type FormedGroup } from "./grouping.js";
import { queueRating } from "./queue-rating.js";

/** What `onAuth` hands to `onJoin`: the player, their validated options, rating and party. */
export interface QueueAuth<Options> extends JoinAuth<Options> {
  rating: number;
  party: { code: string; leader: boolean; members: string[] } | null;
}

const CONFLICT_STATUS = 409;
const refuse = (status: number, code: ErrorCode, message: string) => new ServerError(status, `${code}: ${message}`);

/**
 * `onAuth` of a mode's queue: the token and the mode's join options as for the match itself, then
 * the player's rating and party. A party queues for its own mode only, and only if it fits a team
 * (or the match) of these options.
 */
export function authenticateQueue<C extends ModeContract, Section>(mode: ServerMode<C, unknown, unknown, unknown, Section>, services: RoomServices) {
  const join = authenticateJoin(mode.contract, services);
  const name = mode.contract.name;
  return async (token: string | undefined, options: unknown, context?: AuthContext): Promise<QueueAuth<OptionsOf<C>>> => {
    const auth = await join(token, options, context);
    const plan = mode.queue!.plan(auth.options, services.config.modes[name] as Section);
    const { playerId } = auth.identity;
    const store = partyStore();
    const code = await store.partyOf(playerId);
    const record = code ? await store.read(code) : null;
    let party: QueueAuth<OptionsOf<C>>["party"] = null;
    if (record) {
      if (record.mode !== name) throw refuse(400, ErrorCode.InvalidOptions, `your party ${record.code} plays ${record.mode}: queue for ${record.mode}, or leave the party`);
      if (!fits(record.members.length, plan)) {
        const limit = plan.teams > 1 ? `a team of these options holds ${plan.seats / plan.teams}` : `a match of these options holds ${plan.seats}`;
        throw refuse(400, ErrorCode.PartyTooLarge, `your party has ${record.members.length} members; ${limit}`);
      }
      party = { code: record.code, leader: record.leader === playerId, members: record.members.map((m) => m.playerId) };
    }
    const rating = await queueRating(services.database.db, playerId, name, services.config.season);
    return { ...auth, rating, party };
  };
}

interface Waiter {
  client: QueueClient;
  playerId: string;
  name: string;
  rating: number;
  options: Record<string, unknown>;
}

/** A player queueing alone, or a party (complete once every member expected has joined). */
interface Entry {
  id: string;
  queuedAt: number;
  party: string | null;
  expected: readonly string[];
  waiters: Waiter[];
}

/** A client as QueueRoom keeps it (its `userData` is QueueRoom's); `auth` is what `onAuth` returned. */
type QueueClient = Parameters<QueueRoom["onJoin"]>[0];

const authOf = (client: QueueClient) => client.auth as QueueAuth<Record<string, unknown>>;

/** QueueRoom's client type knows its own two messages only; arena's go through the untyped client. */
const send = (client: QueueClient, type: string, payload: unknown) => (client as Client).send(type, payload);

export class ModeQueueRoom<C extends ModeContract, Section> extends QueueRoom {
  private plan!: QueuePlan;
  /** The options every match of this queue is created with: its matchmaking filter. */
  private matchOptions: Record<string, unknown> = {};
  private readonly entries = new Map<string, Entry>();
  private readonly entryOf = new Map<string, Entry>();
  /** Sessions whose group went to a match room: their leaving is the hand-off, not a cancel. */
  private readonly handedOff = new Set<string>();
  private roomLog: Logger | undefined;

  constructor(
    private readonly mode: ServerMode<C, unknown, unknown, unknown, Section>,
    private readonly services: RoomServices,
  ) {
    super();
    enrol(this);
    this.cycleTickInterval = services.config.queue.cycleMs;
  }

  override onCreate(created: QueueOptions): void {
    const options = created as unknown as Record<string, unknown>;
    const { contract } = this.mode;
    // onAuth validated and normalised these options: the filter keys name this queue's matches
    for (const key of contract.matchFilter) if (options[key] !== undefined) this.matchOptions[key] = options[key];
    this.plan = this.mode.queue!.plan(options as OptionsOf<C>, this.services.config.modes[contract.name] as Section);
    super.onCreate({ matchRoomName: contract.name, maxPlayers: this.plan.seats, allowIncompleteGroups: true, onGroupReady: (group) => this.createMatch(group) });
    void this.setMetadata({ ...this.metadata, mode: contract.name, queue: true });
    this.log.info({ options: this.matchOptions, plan: { seats: this.plan.seats, teams: this.plan.teams, minHumans: this.plan.minHumans } }, "queue created");
  }

  override onJoin(client: QueueClient, _options: unknown, auth?: QueueAuth<Record<string, unknown>>): void {
    if (!auth) throw refuse(401, ErrorCode.Unauthorized, "join without matchmaking");
    const { playerId, displayName } = auth.identity;
    if ([...this.entryOf.values()].some((e) => e.waiters.some((w) => w.playerId === playerId))) {
      throw refuse(CONFLICT_STATUS, ErrorCode.AlreadyQueued, "you wait in this queue already");
    }
    const waiter: Waiter = { client, playerId, name: displayName, rating: auth.rating, options: auth.options };
    const now = Date.now();
    let entry: Entry;
    if (!auth.party) {
      entry = { id: client.sessionId, queuedAt: now, party: null, expected: [playerId], waiters: [waiter] };
      this.entries.set(entry.id, entry);
    } else if (auth.party.leader) {
      entry = { id: `party:${auth.party.code}`, queuedAt: now, party: auth.party.code, expected: auth.party.members, waiters: [waiter] };
      if (this.entries.has(entry.id)) throw refuse(CONFLICT_STATUS, ErrorCode.AlreadyQueued, "your party waits in this queue already");
      this.entries.set(entry.id, entry);
      partyStore().notify(auth.party.code, { type: "queue", mode: this.mode.contract.name, options: auth.options });
    } else {
      const found = this.entries.get(`party:${auth.party.code}`);
      if (!found) throw refuse(CONFLICT_STATUS, ErrorCode.NotPartyLeader, "the party's leader starts its queue; you follow");
      if (!found.expected.includes(playerId)) throw refuse(CONFLICT_STATUS, ErrorCode.NotPartyLeader, "your party started queueing before you joined it");
      entry = found;
      entry.waiters.push(waiter);
    }
    this.entryOf.set(client.sessionId, entry);
    // QueueRoom's own fields: the group and options its hand-off reserves seats with
    client.userData = { rank: auth.rating, options: auth.options, currentCycle: 0 };
    this.log.info({ playerId, rating: auth.rating, party: entry.party }, "player queued");
    this.sendStatus(entry, now);
  }

  override onLeave(client: QueueClient): void {
    if (this.handedOff.delete(client.sessionId)) return;
    const entry = this.entryOf.get(client.sessionId);
    if (!entry) return;
    const waiter = entry.waiters.find((w) => w.client === client);
    if (entry.party === null) this.forget(entry);
    else this.cancel(entry, `${waiter?.name ?? "a member"} left the queue`);
  }

  override onUncaughtException(error: Error, methodName: string): void {
    this.log.error({ err: error, method: methodName }, "uncaught exception in queue room");
  }

  /** QueueRoom's cycle: arena's grouping instead of QueueRoom's, then QueueRoom's hand-off. */
  override reassignMatchGroups(): void {
    const now = Date.now();
    this.cancelIncompleteParties(now);
    const complete = [...this.entries.values()].filter((e) => e.waiters.length === e.expected.length);
    const formed = formGroups(
      complete.map((e) => ({ id: e.id, rating: this.ratingOf(e), size: e.waiters.length, queuedAt: e.queuedAt })),
      this.plan,
      this.services.config.queue.band,
      now,
    );
    this.groups.length = 0;
    for (const group of formed) this.groups.push(this.handOff(group, now));
    this.processGroupsReady();
    for (const entry of this.entries.values()) this.sendStatus(entry, now);
  }

  private get log(): Logger {
    this.roomLog ??= this.services.logger.child({ roomId: this.roomId, queue: this.mode.contract.name });
    return this.roomLog;
  }

  private ratingOf(entry: Entry): number {
    return entry.party === null ? entry.waiters[0]!.rating : partyRating(entry.waiters.map((w) => w.rating), this.services.config.queue.partyMargin);
  }

  /** Takes a formed group out of the queue as QueueRoom's group, each player's options carrying their team. */
  private handOff(group: FormedGroup, now: number): QueueMatchGroup {
    const clients: QueueMatchGroup["clients"] = [];
    const matchGroup: QueueMatchGroup = { clients, averageRank: 0, ready: true };
    let ratings = 0;
    let longestMs = 0;
    for (const { id, team } of group.members) {
      const entry = this.entries.get(id)!;
      longestMs = Math.max(longestMs, now - entry.queuedAt);
      this.forget(entry);
      for (const waiter of entry.waiters) {
        const options = { ...waiter.options, ...this.plan.teamOptions?.(team) };
        authOf(waiter.client).options = options;
        waiter.client.userData = { rank: waiter.rating, options, group: matchGroup };
        this.handedOff.add(waiter.client.sessionId);
        clients.push(waiter.client as never);
        ratings += waiter.rating;
      }
      if (entry.party) partyStore().notify(entry.party, { type: "queue-ended" });
    }
    matchGroup.averageRank = ratings / clients.length;
    this.log.info({ players: group.players, full: group.full, spread: group.spread, waitedMs: longestMs }, "queue group formed");
    return matchGroup;
  }

  private createMatch(group: QueueMatchGroup): Promise<IRoomCache> {
    return matchMaker.createRoom(this.mode.contract.name, { ...this.matchOptions, [QUEUED_HUMANS_OPTION]: group.clients.length });
  }

  private forget(entry: Entry): void {
    this.entries.delete(entry.id);
    for (const waiter of entry.waiters) this.entryOf.delete(waiter.client.sessionId);
  }

  /** A party's queue ends for all of its members at once: a party is never split. */
  private cancel(entry: Entry, reason: string): void {
    this.forget(entry);
    const error: ErrorPayload = { code: ErrorCode.QueueCancelled, message: reason };
    for (const waiter of entry.waiters) {
      send(waiter.client, ERROR_MESSAGE, error);
      waiter.client.leave(CloseCode.NORMAL_CLOSURE);
    }
    if (entry.party) partyStore().notify(entry.party, { type: "queue-ended" });
    this.log.info({ party: entry.party, reason }, "party queue cancelled");
  }

  private cancelIncompleteParties(now: number): void {
    const { partyWaitMs } = this.services.config.queue;
    for (const entry of [...this.entries.values()]) {
      if (entry.waiters.length < entry.expected.length && now - entry.queuedAt > partyWaitMs) {
        this.cancel(entry, `not every member of the party joined the queue within ${partyWaitMs / 1000} s`);
      }
    }
  }

  private sendStatus(entry: Entry, now: number): void {
    let queued = 0;
    for (const e of this.entries.values()) queued += e.waiters.length;
    const waitedMs = Math.max(0, now - entry.queuedAt);
    const status: QueueStatus = {
      queued,
      waitedMs,
      band: bandAt(waitedMs, this.services.config.queue.band),
      rating: this.ratingOf(entry),
      party: entry.party === null ? null : { present: entry.waiters.length, expected: entry.expected.length },
    };
    for (const waiter of entry.waiters) send(waiter.client, QUEUE_STATUS_MESSAGE, status);
  }
}

/** The queue room class Colyseus registers for a mode that queues. */
export function queueRoomFor<C extends ModeContract, Section>(
  mode: ServerMode<C, unknown, unknown, unknown, Section>,
  services: RoomServices,
): (new () => ModeQueueRoom<C, Section>) & { onAuth: ReturnType<typeof authenticateQueue<C, Section>> } {
  return class ModeQueue extends ModeQueueRoom<C, Section> {
    static override onAuth = authenticateQueue(mode, services);
    constructor() {
      super(mode, services);
    }
  };
}
