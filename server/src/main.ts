import "./node20-websocket.js";
import { createServer } from "node:http";
import path from "node:path";
import { defineRoom, defineServer, matchMaker, type Presence, type MatchMakerDriver } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { monitor } from "@colyseus/monitor";
import express from "express";
import { MODE_NAMES } from "@arena/shared";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { TokenService, bearerToken } from "./auth/tokens.js";
import { mountAuthRoutes } from "./http/auth.js";
import { errorHandler, notFound } from "./http/errors.js";
import { mountHealthRoutes } from "./http/health.js";
import { mountLeaderboardRoutes } from "./http/leaderboards.js";
import { mountRoomRoutes } from "./http/rooms.js";
import { installHttpFront } from "./http/front.js";
import { CorsPolicy, requireAdmin } from "./http/security.js";
import { mountWebClient } from "./http/web-client.js";
import { Metrics } from "./observability/metrics.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { openDatabase } from "./persistence/database.js";
import { writeMatchResults } from "./persistence/results-store.js";
import { ResultsWriter } from "./persistence/results-writer.js";
import { roomCensus } from "./kit/census.js";
import { defineModeRooms } from "./modes/rooms.js";
import { placeRooms } from "./kit/spectator-room.js";
import type { RoomServices } from "./kit/services.js";

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function scaleOut(config: Config, logger: Logger): Promise<{ presence?: Presence; driver?: MatchMakerDriver }> {
  if (!config.redisUrl) return {};
  const { RedisPresence } = await import("@colyseus/redis-presence");
  const { RedisDriver } = await import("@colyseus/redis-driver");
  logger.info({ publicAddress: config.publicAddress }, "using Redis presence and driver");
  return { presence: new RedisPresence(config.redisUrl), driver: new RedisDriver(config.redisUrl) };
}

async function main() {
  const config = readConfig();
  const logger = createLogger(config.logLevel, { node: config.nodeId });

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await database.migrate();

  let metrics: Metrics | undefined;
  const results = new ResultsWriter({
    write: (batch) => writeMatchResults(database.db, batch),
    journalPath: path.join(config.dataDir, "results-journal.jsonl"),
    logger: logger.child({ component: "results" }),
    retryMaxMs: config.resultsRetryMaxMs,
    onWritten: (outcome, seconds) => {
      metrics?.resultsWritten.labels(outcome).inc();
      metrics?.resultsWriteDuration.observe(seconds);
    },
    onFailure: () => metrics?.resultsWriteFailures.inc(),
    onRetry: () => metrics?.resultsRetries.inc(),
  });
  metrics = new Metrics(roomCensus, () => results.depth);
  await results.start();

  if (!config.auth.secret) logger.warn("AUTH_SECRET is not set: tokens are signed with a random key and verify on this process only");
  const tokens = new TokenService(config.auth.secret, config.auth.tokenTtlSeconds);
  const services: RoomServices = { config, logger, results, database, tokens, metrics };

  // CORS for every response, Colyseus' matchmaking included (its default reflects any origin with credentials)
  const cors = new CorsPolicy(config.http.corsOrigins);
  const defaults: Record<string, string> = matchMaker.controller.DEFAULT_CORS_HEADERS;
  delete defaults["Access-Control-Allow-Credentials"];
  delete defaults["Access-Control-Allow-Origin"];
  Object.assign(defaults, CorsPolicy.baseHeaders);
  matchMaker.controller.getCorsHeaders = (headers: Headers) => cors.headersFor(headers.get("origin"));

  const httpServer = createServer();
  installHttpFront(httpServer, {
    logger: logger.child({ component: "http" }),
    metrics,
    cors,
    trustProxy: config.http.trustProxy,
    perMinute: config.http.ratePerMinute,
    limitedPrefixes: ["/matchmake/", "/auth/"],
    beforeQueue: (req) => tokens.verify(bearerToken(req.headers.authorization)),
  });

  let accepting = true;
  const { presence, driver } = await scaleOut(config, logger);
  const server = defineServer({
    rooms: {
      ...defineModeRooms(services),
    },
    transport: new WebSocketTransport({ server: httpServer, maxPayload: config.limits.maxMessageBytes }),
    ...(presence ? { presence } : {}),
    ...(driver ? { driver } : {}),
    ...(config.publicAddress ? { publicAddress: config.publicAddress } : {}),
    selectProcessIdToCreateRoom: placeRooms(),
    logger: logger.child({ component: "colyseus" }),
    greet: false,
    // we drain ourselves, so results are flushed before the process exits
    gracefullyShutdown: false,
    express: (app) => {
      const routes = express.Router();
      mountHealthRoutes(routes, { database, accepting: () => accepting });
      routes.get("/metrics", async (_req, res) => {
        const { contentType, body } = await metrics.render();
        res.type(contentType).send(body);
      });
      mountAuthRoutes(routes, tokens);
      mountLeaderboardRoutes(routes, database.db, { season: config.season });
      mountRoomRoutes(routes);
      app.use(routes);
      mountWebClient(app, logger.child({ component: "http" }));
      if (config.auth.adminToken) {
        app.use("/admin/monitor", requireAdmin(config.auth.adminToken), monitor());
        logger.info("admin routes mounted at /admin/monitor");
      }
      app.use(notFound);
      app.use(errorHandler(logger));
    },
  });

  metrics.initialiseModes(MODE_NAMES);
  await server.listen(config.port, config.host);
  logger.info(
    { port: config.port, host: config.host, database: database.kind, redis: Boolean(config.redisUrl), processId: matchMaker.processId },
    "server listening",
  );

  // with Redis, look for dead nodes regularly (not only when a seat reservation times out), so
  // their room listings go away within about NODE_WATCHDOG_MS plus the 2 s IPC health-check timeout
  const watchdog = config.redisUrl
    ? setInterval(() => {
        matchMaker.healthCheckAllProcesses().catch((err: unknown) => logger.warn({ err }, "node watchdog failed"));
      }, config.watchdogMs)
    : undefined;
  watchdog?.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // readiness turns false at once; Colyseus stops matchmaking here, locks the rooms and lets them drain
    accepting = false;
    clearInterval(watchdog);
    logger.info({ signal, graceMs: config.drainGraceMs }, "draining");
    try {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise((resolve) => (timer = setTimeout(resolve, config.drainGraceMs + 15_000)));
      await Promise.race([server.gracefullyShutdown(false), deadline]);
      clearTimeout(timer);
      const left = await results.flush(10_000);
      if (left > 0) logger.warn({ pending: left }, "results left in the journal for the next start");
      await results.close();
      await database.close();
    } catch (error) {
      logger.error({ err: error }, "error during shutdown");
    }
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("server failed to start:", error);
  process.exit(1);
});
