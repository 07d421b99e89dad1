import "./node20-websocket.js";
import { createServer } from "node:http";
import path from "node:path";
import { defineRoom, defineServer, matchMaker } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { monitor } from "@colyseus/monitor";
import express from "express";
import { MODE_NAMES } from "@arena/shared";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { TokenService, bearerToken } from "./auth/tokens.js";
import { scaleOut } from "./cluster/index.js";
import { mountAuthRoutes } from "./http/auth.js";
import { errorHandler, notFound } from "./http/errors.js";
import { mountHealthRoutes } from "./http/health.js";
import { mountLeaderboardRoutes } from "./http/leaderboards.js";
import { mountReplayRoutes } from "./http/replays.js";
import { mountRoomRoutes } from "./http/rooms.js";
import { JoinAdmission } from "./http/admission.js";
import { installHttpFront } from "./http/front.js";
import { CorsPolicy, requireAdmin } from "./http/security.js";
import { mountWebClient } from "./http/web-client.js";
import { Metrics } from "./observability/metrics.js";
import { createLogger } from "./observability/logger.js";
import { openDatabase } from "./persistence/database.js";
import { writeMatchResults } from "./persistence/results-store.js";
import { JOURNAL_FILE, ResultsWriter } from "./persistence/results-writer.js";
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

async function main() {
  const config = readConfig();
  const logger = createLogger(config.logLevel, { node: config.nodeId });

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await database.migrate();

  let metrics: Metrics | undefined;
  const results = new ResultsWriter({
    write: (batch) => writeMatchResults(database.db, batch),
    journalPath: path.join(config.dataDir, JOURNAL_FILE),
    logger: logger.child({ component: "results" }),
    retryMaxMs: config.resultsRetryMaxMs,
    onWritten: (outcome, seconds) => {
      metrics?.resultsWritten.labels(outcome).inc();
      metrics?.resultsWriteDuration.observe(seconds);
    },
    onFailure: () => metrics?.resultsWriteFailures.inc(),
    onRetry: () => metrics?.resultsRetries.inc(),
    onQuarantined: (count) => metrics?.resultsQuarantined.inc(count),
  });
  metrics = new Metrics(roomCensus, () => results.depth, () => results.quarantineDepth());
  await results.start();

  if (!config.auth.secret) logger.warn("AUTH_SECRET is not set: tokens are signed with a random key and verify on this process only");
  const tokens = new TokenService(config.auth.secret, config.auth.tokenTtlSeconds);
  const admission = config.admission.enabled
    ? new JoinAdmission({ seatReservationMs: config.seatReservationSeconds * 1000, maxWaitShare: config.admission.maxWaitShare, rateSamples: config.admission.rateSamples })
    : undefined;
  const services: RoomServices = { config, logger, results, database, tokens, metrics, ...(admission ? { joins: admission } : {}) };

  // CORS for every response, Colyseus' matchmaking included (its default reflects any origin with credentials)
  const cors = new CorsPolicy(config.http.corsOrigins);
  const defaults: Record<string, string> = matchMaker.controller.DEFAULT_CORS_HEADERS;
  delete defaults["Access-Control-Allow-Credentials"];
  delete defaults["Access-Control-Allow-Origin"];
  Object.assign(defaults, CorsPolicy.baseHeaders);
  matchMaker.controller.getCorsHeaders = (headers: Headers) => cors.headersFor(headers.get("origin"));

  const cluster = scaleOut(config, logger, metrics);
  const httpServer = createServer();
  installHttpFront(httpServer, {
    logger: logger.child({ component: "http" }),
    metrics,
    cors,
    trustProxy: config.http.trustProxy,
    perMinute: config.http.ratePerMinute,
    limitedPrefixes: ["/matchmake/", "/auth/"],
    beforeQueue: (req) => tokens.verify(bearerToken(req.headers.authorization)),
    ...(cluster ? { availability: cluster.availability } : {}),
    ...(admission ? { admission: { control: admission, tracks: (roomName: string) => (MODE_NAMES as readonly string[]).includes(roomName) } } : {}),
  });

  let accepting = true;
  const server = defineServer({
    rooms: defineModeRooms(services),
    transport: new WebSocketTransport({ server: httpServer, maxPayload: config.limits.maxMessageBytes }),
    ...cluster?.serverOptions,
    ...(config.publicAddress ? { publicAddress: config.publicAddress } : {}),
    // spectator mirrors go to their match's node; other rooms where the cluster (or Colyseus) puts them
    selectProcessIdToCreateRoom: placeRooms(cluster?.serverOptions.selectProcessIdToCreateRoom),
    logger: logger.child({ component: "colyseus" }),
    greet: false,
    // we drain ourselves, so results are flushed before the process exits
    gracefullyShutdown: false,
    express: (app) => {
      const routes = express.Router();
      mountHealthRoutes(routes, { database, accepting: () => accepting, ...(cluster ? { redis: cluster.readiness } : {}) });
      routes.get("/metrics", async (_req, res) => {
        const { contentType, body } = await metrics.render();
        res.type(contentType).send(body);
      });
      mountAuthRoutes(routes, tokens);
      mountLeaderboardRoutes(routes, database.db, { season: config.season });
      mountReplayRoutes(routes, database.db);
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
  await server.listen(config.port, config.host, config.listenBacklog);
  logger.info(
    { port: config.port, host: config.host, database: database.kind, redis: Boolean(config.redisUrl), processId: matchMaker.processId },
    "server listening",
  );

  cluster?.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // readiness turns false at once; Colyseus stops matchmaking here, locks the rooms and lets them drain
    accepting = false;
    cluster?.drain();
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
