import "./node20-websocket.js";
import path from "node:path";
import { defineRoom, defineServer, matchMaker, type Presence, type MatchMakerDriver } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import express from "express";
import { QUIZ_ROOM, RACE_ROOM } from "@arena/shared";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { mountHealthRoutes } from "./http/health.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { openDatabase } from "./persistence/database.js";
import { writeMatchResult } from "./persistence/results-store.js";
import { ResultsWriter } from "./persistence/results-writer.js";
import { QuizRoom } from "./rooms/quiz/QuizRoom.js";
import { RaceRoom } from "./rooms/race/RaceRoom.js";
import { provideRoomServices } from "./rooms/services.js";

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

  const results = new ResultsWriter({
    write: (result) => writeMatchResult(database.db, result),
    journalPath: path.join(config.dataDir, "results-journal.jsonl"),
    logger: logger.child({ component: "results" }),
  });
  await results.start();

  provideRoomServices({ config, logger, results, database });

  let accepting = true;
  const { presence, driver } = await scaleOut(config, logger);
  const server = defineServer({
    rooms: {
      [RACE_ROOM]: defineRoom(RaceRoom).filterBy(["trackLength", "maxPlayers", "lanes"]),
      [QUIZ_ROOM]: defineRoom(QuizRoom).filterBy(["minPlayers", "maxPlayers", "rounds", "category"]),
    },
    transport: new WebSocketTransport(),
    ...(presence ? { presence } : {}),
    ...(driver ? { driver } : {}),
    ...(config.publicAddress ? { publicAddress: config.publicAddress } : {}),
    logger: logger.child({ component: "colyseus" }),
    greet: false,
    // we drain ourselves, so results are flushed before the process exits
    gracefullyShutdown: false,
    express: (app) => {
      const routes = express.Router();
      mountHealthRoutes(routes, { database, accepting: () => accepting });
      app.use(routes);
    },
  });

  await server.listen(config.port, config.host);
  logger.info(
    { port: config.port, host: config.host, database: database.kind, redis: Boolean(config.redisUrl), processId: matchMaker.processId },
    "server listening",
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    accepting = false;
    logger.info({ signal }, "shutting down");
    try {
      await server.gracefullyShutdown(false);
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
