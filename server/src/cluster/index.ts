import { matchMaker, type MatchMakerDriver, type Presence } from "@colyseus/core";
import type { Config } from "../config.js";
import type { MatchmakingAvailability } from "../http/front.js";
import type { RedisReadiness } from "../http/health.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { ClusterDriver } from "./cluster-driver.js";
import { NodeLiveness } from "./liveness.js";
import { RedisLink, connectRedis, redisHost } from "./redis-link.js";
import { LateRequestGuard } from "./late-requests.js";
import { Republisher } from "./republisher.js";
import { WatchedPresence } from "./watched-presence.js";

/** Colyseus' IPC timeout, from the variable Colyseus reads. */
const IPC_TIMEOUT_MS = Number(process.env.COLYSEUS_PRESENCE_SHORT_TIMEOUT || 2_000);

/** Everything a node needs to run with others on one Redis. */
export interface Cluster {
  /** Options for `defineServer`. */
  serverOptions: {
    presence: Presence;
    driver: MatchMakerDriver;
    selectProcessIdToCreateRoom: (roomName: string, options: unknown) => Promise<string>;
  };
  availability: MatchmakingAvailability;
  readiness: RedisReadiness;
  /** Starts the heartbeats, the re-publishing and the watchdog; call once the server listens. */
  start(): void;
  /** Stops re-registering this node (it drains) and the watchdog. */
  drain(): void;
}

/**
 * With `REDIS_URL`: Colyseus' Redis presence and driver on connections arena watches, and what keeps
 * the cluster correct when Redis or a node fails (see README, "Several nodes").
 */
export function scaleOut(config: Config, logger: Logger, metrics: Metrics): Cluster | undefined {
  if (!config.redisUrl) return undefined;
  const log = logger.child({ component: "cluster" });
  const command = connectRedis(config.redisUrl);
  const link = new RedisLink(command, redisHost(config.redisUrl), { logger: log });
  const guard = new LateRequestGuard({
    linkUp: () => link.isUp,
    recoveredAt: () => link.recoveredAt,
    givenUpAfterMs: Math.min(config.matchmakingTimeoutMs, IPC_TIMEOUT_MS),
    logger: log,
    onDropped: (count) => metrics.clusterRepairs.labels("late_request").inc(count),
  });
  guard.start();
  const presence = new WatchedPresence(command, link, guard);
  let draining = false;
  const liveness = new NodeLiveness(
    command,
    {
      self: () => matchMaker.processId,
      registered: async () => (await matchMaker.stats.fetchAll()).map((s) => s.processId),
    },
    {
      onUnregistered: () => {
        if (!draining && link.isUp) void republisher.request("unregistered");
      },
    },
    // not offered to others before late requests stop being dropped
    () => !guard.late(),
  );
  const driver = new ClusterDriver(command, (processId) => liveness.isLive(processId), () => !guard.late());
  const republisher = new Republisher({ driver, logger: log, onRepair: (repair) => metrics.countClusterRepair(repair) });
  metrics.trackRedis({
    get isUp() {
      return link.isUp;
    },
    get outages() {
      return link.outages;
    },
    get stalledPeers() {
      return liveness.stalled.length;
    },
  });
  log.info({ redis: redisHost(config.redisUrl), publicAddress: config.publicAddress }, "using Redis presence and driver");
  link.start();

  let watchdog: NodeJS.Timeout | undefined;
  return {
    serverOptions: {
      presence,
      driver,
      // Colyseus' own choice (the node with the fewest rooms), among nodes whose heartbeat is fresh
      selectProcessIdToCreateRoom: async () => {
        const candidates = (await matchMaker.stats.fetchAll()).filter((s) => liveness.isLive(s.processId));
        candidates.sort((a, b) => a.roomCount - b.roomCount);
        return candidates[0]?.processId ?? matchMaker.processId;
      },
    },
    availability: {
      deadlineMs: config.matchmakingTimeoutMs,
      refusal: () => {
        if (!link.isUp) return { reason: "redis_unreachable", message: `Redis is unreachable (${link.downReason}); retry shortly` };
        if (guard.late()) return { reason: "resuming", message: "this node is resuming after a cut or a stall; retry shortly" };
        return undefined;
      },
      onRefusing: (listener) => link.onChange((up) => !up && listener()),
    },
    readiness: () => (link.isUp ? { ok: true } : { ok: false, detail: link.downReason }),
    start() {
      republisher.trackRooms();
      link.onChange((up) => up && !draining && void republisher.request("redis_back"));
      liveness.start();
      // look for dead nodes regularly (not only when a seat reservation times out), so their room
      // listings go away within about NODE_WATCHDOG_MS plus the 2 s IPC health-check timeout
      let checking = false;
      watchdog = setInterval(() => {
        if (!link.isUp || checking) return;
        checking = true;
        matchMaker
          .healthCheckAllProcesses()
          .catch((err: unknown) => log.warn({ err }, "node watchdog failed"))
          .finally(() => (checking = false));
      }, config.watchdogMs);
      watchdog.unref();
    },
    drain() {
      draining = true;
      clearInterval(watchdog);
      link.stop();
      liveness.stop();
    },
  };
}
