import type { Redis } from "ioredis";

/** What the liveness loop needs to know about the Colyseus process registry. */
export interface ProcessRegistry {
  /** This process's id. */
  self(): string;
  /** Process ids registered in Colyseus' room-count hash (`roomcount`), this one included if it is. */
  registered(): Promise<string[]>;
}

export interface LivenessOptions {
  everyMs?: number;
  /** A heartbeat key lives this long; a node that has not renewed it by then counts as stalled. */
  ttlMs?: number;
  /** Called when this process is missing from the registry (removed by a peer, or Redis lost it). */
  onUnregistered?: () => void;
}

const heartbeatKey = (processId: string) => `arena:heartbeat:${processId}`;

/**
 * Heartbeats between nodes. Each node renews a key with a short expiry (`arena:heartbeat:<processId>`,
 * expired by Redis' own clock, so node clocks do not matter) and reads the others'. A node whose key
 * has lapsed is stalled or cut off from Redis: matchmaking stops offering its rooms and stops
 * creating rooms on it within about `ttlMs`, instead of waiting on Colyseus' 2 s IPC timeout for
 * every request. A node never seen beating (an older build) is left to Colyseus' own health checks.
 */
export class NodeLiveness {
  private readonly seen = new Set<string>();
  private readonly lapsed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  /** Since when this node's own beats go through; until a TTL has passed, peers may not have renewed yet. */
  private beatingSince: number | undefined;
  private readonly everyMs: number;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly registry: ProcessRegistry,
    private readonly options: LivenessOptions = {},
    /** Beats are skipped while this is false (Redis is down: nothing would be learnt). */
    private readonly canBeat: () => boolean = () => true,
  ) {
    this.everyMs = options.everyMs ?? 250;
    this.ttlMs = options.ttlMs ?? 1_500;
  }

  /** False for a node that was seen beating and whose heartbeat lapsed. */
  isLive(processId: string): boolean {
    return processId === this.registry.self() || !this.lapsed.has(processId);
  }

  /** Process ids currently counted as stalled. */
  get stalled(): string[] {
    return [...this.lapsed];
  }

  start(): void {
    this.timer = setInterval(() => void this.beat(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round: renew this node's key, then read every registered node's. One round at a time. */
  async beat(): Promise<void> {
    if (!this.canBeat()) this.beatingSince = undefined;
    if (this.beating || !this.canBeat()) return;
    this.beating = true;
    try {
      const self = this.registry.self();
      await this.redis.set(heartbeatKey(self), "1", "PX", this.ttlMs);
      this.beatingSince ??= Date.now();
      // after an outage every key has expired: give the others one TTL to renew theirs
      const judging = Date.now() - this.beatingSince >= this.ttlMs;
      const processes = await this.registry.registered();
      if (!processes.includes(self)) this.options.onUnregistered?.();
      const peers = processes.filter((id) => id !== self);
      const beats = peers.length > 0 ? await this.redis.mget(...peers.map(heartbeatKey)) : [];
      this.lapsed.clear();
      peers.forEach((id, i) => {
        if (beats[i] !== null) this.seen.add(id);
        else if (this.seen.has(id) && judging) this.lapsed.add(id);
      });
      // forget nodes that left the registry (drained, or removed as dead)
      for (const id of this.seen) if (!peers.includes(id)) this.seen.delete(id);
    } catch {
      // Redis trouble: the link reports it; the next round tries again
      this.beatingSince = undefined;
    } finally {
      this.beating = false;
    }
  }
}
