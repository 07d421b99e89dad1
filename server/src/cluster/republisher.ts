import { matchMaker, type IRoomCache, type MatchMakerDriver, type Room } from "@colyseus/core";
import type { Logger } from "../observability/logger.js";

export type RepublishReason = "redis_back" | "unregistered";

/** What one repair changed, for the log line and the metrics. */
export interface Repair {
  registration: number;
  listings: number;
  staleListings: number;
}

export interface RepublisherOptions {
  driver: MatchMakerDriver;
  logger: Logger;
  onRepair?: (repair: Repair) => void;
}

/** A listing younger than this may belong to a room whose creation is still under way: never removed. */
const STALE_LISTING_MIN_AGE_MS = 10_000;

/**
 * Puts this node back into Redis after Redis restarted empty, failed over to a replica that lost
 * writes, or after a peer's health check removed the node while it was only slow: its registration
 * in Colyseus' process registry (`roomcount`, where room creation picks a node), the listings of its
 * open rooms (`roomcaches`, where matchmaking finds them), and, after an outage, no listing of a room
 * that ended meanwhile (a zombie seats players nowhere, colyseus#555). Subscriptions need nothing:
 * ioredis re-subscribes every channel when it reconnects.
 *
 * Relies on Colyseus' public matchmaker API: `stats.persist(true)` re-writes the registration,
 * `restoreMissingRoomCaches()` re-writes missing listings from each room's own, current listing (the
 * same call Colyseus makes when it finds itself swept), `getLocalRoomById` tells what still runs
 * here. Local rooms are counted through the room handlers' `create`/`dispose` events.
 */
export class Republisher {
  private readonly local = new Set<Room>();
  private running: Promise<void> | undefined;
  private again: RepublishReason | undefined;

  constructor(private readonly options: RepublisherOptions) {}

  /** Starts counting this node's rooms; call once the room types are defined. */
  trackRooms(): void {
    for (const handler of Object.values(matchMaker.getAllHandlers())) {
      handler.on("create", (room: Room) => this.local.add(room));
      handler.on("dispose", (room: Room) => this.local.delete(room));
    }
  }

  /** Runs a repair now, or once more after the one under way. */
  request(reason: RepublishReason): Promise<void> {
    if (this.running) {
      if (reason === "redis_back" || this.again === undefined) this.again = reason;
      return this.running;
    }
    this.running = this.repair(reason)
      .catch((err: unknown) => this.options.logger.warn({ err, reason }, "re-publishing this node's presence failed; will try again"))
      .finally(() => {
        this.running = undefined;
        const next = this.again;
        this.again = undefined;
        if (next) void this.request(next);
      });
    return this.running;
  }

  private async repair(reason: RepublishReason): Promise<void> {
    if (matchMaker.state !== matchMaker.MatchMakerState.READY) return;
    const { driver, logger } = this.options;
    const self = matchMaker.processId;
    const registered = (await matchMaker.stats.fetchAll()).some((s) => s.processId === self);
    await matchMaker.stats.persist(true);

    const ids = [...this.local].map((room) => room.roomId);
    const before = await driver.findByIds(ids);
    await matchMaker.restoreMissingRoomCaches();
    const after = ids.length === before.size ? before : await driver.findByIds(ids);

    const staleListings = reason === "redis_back" ? await this.removeStaleListings(self) : 0;
    const repair: Repair = { registration: registered ? 0 : 1, listings: after.size - before.size, staleListings };
    this.options.onRepair?.(repair);
    const line = { reason, ...repair, rooms: ids.length };
    if (repair.registration + repair.listings + repair.staleListings > 0) logger.warn(line, "re-published this node's presence");
    else logger.info(line, "this node's presence is intact");
  }

  /** Removes listings of this process whose room no longer runs here. */
  private async removeStaleListings(self: string): Promise<number> {
    const listed: IRoomCache[] = await this.options.driver.query({ processId: self });
    const now = Date.now();
    let removed = 0;
    for (const listing of listed) {
      if (matchMaker.getLocalRoomById(listing.roomId)) continue;
      if (now - new Date(listing.createdAt ?? now).getTime() < STALE_LISTING_MIN_AGE_MS) continue;
      if (await this.options.driver.remove(listing.roomId)) removed++;
    }
    return removed;
  }
}
