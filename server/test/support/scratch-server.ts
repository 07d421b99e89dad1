import { openDatabase, type Database } from "../../src/persistence/database.js";
import { silentLogger } from "./fixtures.js";
import { createScratchDatabase } from "./scratch-database.js";
import { startServer, type ServerProcess } from "./server-process.js";

/** A server process on a fresh scratch database (it applies the migrations), and a connection of the test's own to it. */
export async function startScratchServer(env: Record<string, string> = {}): Promise<{ server: ServerProcess; database: Database; stop(): Promise<void> }> {
  const scratch = await createScratchDatabase();
  const server = await startServer({ env: { ...env, DATABASE_URL: scratch.url } });
  const database = await openDatabase({ databaseUrl: scratch.url, dataDir: "", logger: silentLogger });
  return {
    server,
    database,
    async stop() {
      await database.close();
      await server.stop();
      await scratch.drop();
    },
  };
}
