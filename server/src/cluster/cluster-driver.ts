import { initializeRoomCache, type IRoomCache, type SortOptions } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { Query } from "@colyseus/redis-driver/Query";
import type { ChainableCommander, Redis } from "ioredis";

/** How long a room id stays claimed: Colyseus keeps its "swept" receipts for a stalled node as long. */
const CLAIM_TTL_S = 600;

/** Colyseus' Redis driver keeps every listing of the cluster in this hash (room id → listing JSON). */
export const ROOMCACHES_KEY = "roomcaches";
const OPEN_KEY_PREFIX = "arena:open:";
/** Colyseus' Redis driver deletes at most this many fields a command in `cleanup`. */
const CLEANUP_BATCH = 500;

const claimKey = (roomId: string) => `arena:room-claim:${roomId}`;
/** The joinable listings of one room name (room id → the same listing JSON as in `roomcaches`). */
export const openKey = (roomName: string) => `${OPEN_KEY_PREFIX}${roomName}`;

/**
 * Whether a listing can be joined by matchmaking: `findOneRoomAvailable` asks for `locked: false`
 * and `private: false`. A field missing from the JSON reads back as `false` (`initializeRoomCache`),
 * so missing counts as false here too: the index may hold more than the query wants, never less.
 */
function isOpen(room: Partial<IRoomCache>): boolean {
  return (room.locked === undefined || room.locked === false) && (room.private === undefined || room.private === false);
}

/** A query the index answers exactly: only listings that are not locked and not private, of one room name. */
function asksForOpen(conditions: Partial<IRoomCache>): conditions is Partial<IRoomCache> & { name: string } {
  return conditions.roomId === undefined && conditions.locked === false && conditions.private === false && typeof conditions.name === "string";
}

/*
 * The writes of both keys are scripts, each one command: atomic like a MULTI, but a command under
 * way when the connection drops is sent again once it is back (ioredis), where a transaction half
 * answered is rejected, and Colyseus leaves some listing writes unawaited (a rejection would end the
 * process). Sent with their body (`EVAL`, not `EVALSHA`): after Redis restarted empty, a `NOSCRIPT`
 * retry would run after later commands.
 */

/** Stores a listing (ARGV[2]) in `roomcaches` and, if ARGV[3] is "1", in its room name's index; else deletes it there. */
const WRITE_SCRIPT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '1' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) else redis.call('HDEL', KEYS[2], ARGV[1]) end
return 1`;

/** Removes a listing from `roomcaches` and from the index of its room name, which only the stored listing tells. */
const REMOVE_SCRIPT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
local ok, listing = pcall(cjson.decode, raw)
if ok and type(listing) == 'table' and type(listing.name) == 'string' then
  redis.call('HDEL', ARGV[2] .. listing.name, ARGV[1])
end
return 1`;

/** Runs a MULTI and throws the first error of its commands (EXEC reports them per command); `cleanup` is awaited and its errors caught. */
async function execAll(tx: ChainableCommander): Promise<void> {
  const replies = await tx.exec();
  if (replies === null) throw new Error("Redis transaction aborted");
  for (const [error] of replies) if (error) throw error;
}

/**
 * Colyseus' Redis driver with three additions.
 *
 * The joinable-room index: Colyseus' driver answers every `joinOrCreate`/`join` with `HGETALL
 * roomcaches`, every listing of every room of the cluster (≈ 410 B each), so a join's reply grows
 * with all rooms, running ones included (BENCHMARKS.md, "The model"). Here each write of a listing
 * also writes it to `arena:open:<roomName>` while it is neither locked nor private (and deletes it
 * from there otherwise), in the same atomic script, so the two never disagree; a matchmaking query
 * (`locked: false`, `private: false`, a room name) reads only that hash and filters it with the
 * driver's own `Query`. `roomcaches` stays exactly as Colyseus writes it: every other query,
 * `findByIds`, `restoreMissingRoomCaches` and the admin listing read it as before. An empty hash
 * disappears by itself, and a dead node's entries go with its `cleanup`.
 *
 * `insert`: when a create request sent to another node times out, Colyseus creates the room
 * locally under the same room id, but the request already published is not withdrawn, so a node
 * that was only stalled creates the room too when it resumes (colyseus#978). Core 0.18.17 settles
 * this through the optional driver method `insert` (record the room unless its id is taken), which
 * the Redis driver 0.18 does not have. Here the first node to claim the id (`SET NX`) owns the room;
 * the claim outlives the listing, so a late create for a room that has since ended is refused too.
 *
 * Right after this node was cut off or stalled, it records no new room: the calls that ask for one
 * then were refused at their deadline and only resume now.
 *
 * Liveness: listings of a node whose heartbeat lapsed are left out of every query, so matchmaking
 * neither offers its rooms nor waits on it while it is stalled or cut off; they are back as soon as
 * it beats again. `cleanup` of a dead node is exempt: that node is precisely one whose beat lapsed.
 */
export class ClusterDriver extends RedisDriver {
  /** Index reads under way, by room name: concurrent joins share one, as Colyseus' driver shares its `HGETALL`. */
  private readonly openReads = new Map<string, Promise<IRoomCache[]>>();
  /** Room names this driver wrote or asked for, whose index `cleanup` and `clear` look through. */
  private readonly names = new Set<string>();
  /**
   * Whether this driver's last write of a room left it in the index. Only a room's own node writes
   * its listing, so a room already out of the index needs no deletion there while it stays locked:
   * a running match's updates cost one HSET, as in Colyseus' driver, not a script of three commands.
   */
  private readonly indexed = new Map<string, boolean>();

  constructor(
    private readonly redis: Redis,
    private readonly isLive: (processId: string) => boolean,
    /** False right after this node was cut off or stalled: a room created now was asked for by a request already refused. */
    private readonly creating: () => boolean = () => true,
  ) {
    super(redis);
  }

  async insert(room: IRoomCache): Promise<boolean> {
    if (!this.creating()) return false;
    const claimed = await this.redis.set(claimKey(room.roomId), room.processId, "EX", CLAIM_TTL_S, "NX");
    if (claimed !== "OK") return false;
    return this.persist(room, true);
  }

  override async persist(room: IRoomCache, _create = false): Promise<boolean> {
    if (!room.roomId) return false;
    await this.write(room);
    return true;
  }

  /** Colyseus' `update` (apply `$set` and `$inc` to the listing, store it whole), through `write`. */
  override async update(room: IRoomCache, operations: Partial<{ $set: Partial<IRoomCache>; $inc: Partial<IRoomCache> }>): Promise<boolean> {
    const fields = room as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(operations.$set ?? {})) fields[field] = value;
    for (const [field, value] of Object.entries(operations.$inc ?? {})) fields[field] = (fields[field] as number) + (value as number);
    await this.write(room);
    return true;
  }

  override async remove(roomId: string): Promise<boolean> {
    this.indexed.delete(roomId);
    return (await this.redis.eval(REMOVE_SCRIPT, 1, ROOMCACHES_KEY, roomId, OPEN_KEY_PREFIX)) === 1;
  }

  /**
   * Every listing of `processId` out of both keys. Reads `roomcaches` whole like Colyseus' driver,
   * but without the liveness filter, and also drops the process's entries that the indexes of the
   * room names seen hold without a listing (left by a node that does not maintain the index).
   */
  override async cleanup(processId: string): Promise<void> {
    const listings = Object.values(await this.redis.hgetall(ROOMCACHES_KEY)).map(parseListing);
    for (const listing of listings) if (typeof listing.name === "string") this.names.add(listing.name);
    const byName = new Map<string, Set<string>>();
    for (const name of this.names) {
      const entries = Object.values(await this.redis.hgetall(openKey(name))).map(parseListing);
      byName.set(name, new Set(entries.filter((l) => l.processId === processId).map((l) => l.roomId)));
    }
    const ids = new Set<string>();
    for (const listing of listings) {
      if (listing.processId !== processId) continue;
      ids.add(listing.roomId);
      this.indexed.delete(listing.roomId);
      if (typeof listing.name === "string") byName.get(listing.name)?.add(listing.roomId);
    }
    if (ids.size === 0 && [...byName.values()].every((roomIds) => roomIds.size === 0)) return;
    // one transaction: the process's listings leave both keys together (a few ms for thousands of rooms)
    const tx = this.redis.multi();
    const hdel = (key: string, all: Iterable<string>) => {
      const list = [...all];
      for (let i = 0; i < list.length; i += CLEANUP_BATCH) tx.hdel(key, ...list.slice(i, i + CLEANUP_BATCH));
    };
    hdel(ROOMCACHES_KEY, ids);
    for (const [name, roomIds] of byName) hdel(openKey(name), roomIds);
    await execAll(tx);
  }

  override async query(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache[]> {
    if (!asksForOpen(conditions)) {
      const rooms = await super.query(conditions, sortOptions);
      return rooms.filter((room) => this.isLive(room.processId));
    }
    const query = new Query<IRoomCache>(this.openRooms(conditions.name), conditions);
    if (sortOptions) query.sort(sortOptions);
    return (await query.all()).filter((room) => this.isLive(room.processId));
  }

  override async findOne(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache> {
    if (conditions.roomId === undefined) return (await this.query(conditions, sortOptions))[0] as IRoomCache;
    const room = await super.findOne(conditions, sortOptions);
    return (room && this.isLive(room.processId) ? room : undefined) as IRoomCache;
  }

  /** Only for tests, as in Colyseus' driver: both keys of every room name seen. */
  override async clear(): Promise<void> {
    await this.redis.del(ROOMCACHES_KEY, ...[...this.names].map(openKey));
  }

  /** The connection is the presence's too, and the presence closes it. */
  override async shutdown(): Promise<void> {}

  /** Stores the listing in `roomcaches` and, while it is joinable, in its room name's index; or removes it from there. */
  private async write(room: IRoomCache): Promise<void> {
    const json = JSON.stringify(room);
    if (typeof room.name !== "string") {
      await this.redis.hset(ROOMCACHES_KEY, room.roomId, json);
      return;
    }
    this.names.add(room.name);
    const open = isOpen(room);
    if (!open && this.indexed.get(room.roomId) === false) {
      await this.redis.hset(ROOMCACHES_KEY, room.roomId, json);
      return;
    }
    this.indexed.set(room.roomId, open);
    await this.redis.eval(WRITE_SCRIPT, 2, ROOMCACHES_KEY, openKey(room.name), room.roomId, json, open ? "1" : "0");
  }

  private openRooms(name: string): Promise<IRoomCache[]> {
    this.names.add(name);
    let read = this.openReads.get(name);
    if (!read) {
      const done = () => void this.openReads.delete(name);
      read = this.redis.hgetall(openKey(name)).then((raw) => Object.values(raw).map(parseListing));
      read.then(done, done);
      this.openReads.set(name, read);
    }
    return read;
  }
}

/** A stored listing as Colyseus' driver reads it back. */
function parseListing(json: string): IRoomCache {
  return initializeRoomCache(JSON.parse(json) as Partial<IRoomCache>);
}
