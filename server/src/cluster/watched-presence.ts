import { RedisPresence } from "@colyseus/redis-presence";
import type { Redis } from "ioredis";
import type { LateRequestGuard } from "./late-requests.js";
import type { RedisLink } from "./redis-link.js";

type Handler = (...args: unknown[]) => void;

/** Colyseus' channels that carry requests to this process or to one of its rooms (replies go to `ipc:*`). */
const isRequestChannel = (topic: string) => topic.startsWith("p:") || topic.startsWith("$");

/**
 * Colyseus' Redis presence on arena's command connection. Its own error listeners (one log line per
 * reconnection attempt) make way for the link's; requests reaching this node late are dropped.
 */
export class WatchedPresence extends RedisPresence {
  private readonly wrapped = new WeakMap<Handler, Handler>();

  constructor(
    command: Redis,
    link: RedisLink,
    private readonly guard: LateRequestGuard,
  ) {
    super(command);
    for (const client of [this.pub, this.sub]) client.removeAllListeners("error");
    link.watch(this.pub as Redis, "command");
    link.watch(this.sub as Redis, "subscriber");
  }

  override subscribe(topic: string, callback: Handler): Promise<this> {
    if (!isRequestChannel(topic)) return super.subscribe(topic, callback);
    const guarded = this.guard.wrap(callback);
    this.wrapped.set(callback, guarded);
    return super.subscribe(topic, guarded);
  }

  override unsubscribe(topic: string, callback?: Handler): Promise<this> {
    return super.unsubscribe(topic, callback && (this.wrapped.get(callback) ?? callback));
  }
}
