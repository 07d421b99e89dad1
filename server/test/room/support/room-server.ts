/**
 * A game server inside the test process: the registry's rooms on a real WebSocket transport, with
 * the real results writer (journal + PostgreSQL scratch database), token service and metrics. No
 * HTTP routes but matchmaking: room-level tests need no process of their own.
 */
import { createServer } from "node:http";
import path from "node:path";
import { defineServer, matchMaker, type Server } from "@colyseus/core";
import { ColyseusTestServer } from "@colyseus/testing";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { connect, type ArenaClient } from "@arena/client-sdk";
import "../../../src/node20-websocket.js";
import { TokenService } from "../../../src/auth/tokens.js";
import { loadConfig, type Config } from "../../../src/config.js";
import { roomCensus } from "../../../src/kit/census.js";
import type { RoomServices } from "../../../src/kit/services.js";
import { defineModeRooms } from "../../../src/modes/rooms.js";
import { placeRooms } from "../../../src/kit/spectator-room.js";
import { Metrics } from "../../../src/observability/metrics.js";
import { createLogger } from "../../../src/observability/logger.js";
import { openDatabase, type Database } from "../../../src/persistence/database.js";
import { writeMatchResults } from "../../../src/persistence/results-store.js";
import { ResultsWriter } from "../../../src/persistence/results-writer.js";
import { createScratchDatabase } from "../../support/scratch-database.js";
import { freePort, tempDir } from "../../support/server-process.js";

export interface RoomServer {
  url: string;
  config: Config;
  database: Database;
  results: ResultsWriter;
  test: ColyseusTestServer;
  /** An SDK client holding a fresh player token. */
  player(name: string): Promise<ArenaClient>;
  /** Drains the server as SIGTERM would: running matches end as aborted and their results are flushed. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server with the given environment on top of fast test defaults. */
export async function startRoomServer(env: Record<string, string> = {}): Promise<RoomServer> {
  const scratch = await createScratchDatabase();
  const dataDir = await tempDir("arena-room-");
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: scratch.url,
    DATA_DIR: dataDir,
    POST_MATCH_LINGER_MS: "200",
    RECONNECT_WINDOW_S: "2",
    DRAIN_GRACE_S: "0.3",
    ...env,
  });
  const logger = createLogger(process.env.SHOW_SERVER_LOGS ? "info" : "silent");
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await database.migrate();
  const results = new ResultsWriter({
    write: (batch) => writeMatchResults(database.db, batch),
    journalPath: path.join(dataDir, "results-journal.jsonl"),
    logger,
    retryMaxMs: 1000,
  });
  await results.start();
  const tokens = new TokenService("room-tests-secret-room-tests-secret!", 3600);
  const metrics = new Metrics(roomCensus, () => results.depth);
  const services: RoomServices = { config, logger, results, database, tokens, metrics };

  const httpServer = createServer();
  const server: Server = defineServer({
    rooms: defineModeRooms(services),
    transport: new WebSocketTransport({ server: httpServer, maxPayload: config.limits.maxMessageBytes }),
    greet: false,
    gracefullyShutdown: false,
    selectProcessIdToCreateRoom: placeRooms(),
  });
  const port = await freePort();
  await server.listen(port, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await results.flush(5000);
    await results.close();
    await database.close();
    await scratch.drop();
  };
  return {
    url,
    config,
    database,
    results,
    test: new ColyseusTestServer(server),
    async player(name) {
      const issued = await tokens.issue(name);
      return connect(url, { token: issued.token });
    },
    async drain() {
      await server.gracefullyShutdown(false);
      await results.flush(5000);
    },
    async close() {
      await matchMaker.gracefullyShutdown().catch(() => undefined);
      await close();
    },
  };
}
