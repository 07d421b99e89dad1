import type { IRoomCache, SortOptions } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import type { Redis } from "ioredis";

/** How long a room id stays claimed: Colyseus keeps its "swept" receipts for a stalled node as long. */
const CLAIM_TTL_S = 600;

const claimKey = (roomId: string) => `arena:room-claim:${roomId}`;

/**
 * Colyseus' Redis driver with two additions.
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
 * it beats again.
 */
export class ClusterDriver extends RedisDriver {
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

  override async query(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache[]> {
    const rooms = await super.query(conditions, sortOptions);
    return rooms.filter((room) => this.isLive(room.processId));
  }

  override async findOne(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache> {
    if (conditions.roomId === undefined) return (await this.query(conditions, sortOptions))[0] as IRoomCache;
    const room = await super.findOne(conditions, sortOptions);
    return (room && this.isLive(room.processId) ? room : undefined) as IRoomCache;
  }

  /** The connection is the presence's too, and the presence closes it. */
  override async shutdown(): Promise<void> {}
}
