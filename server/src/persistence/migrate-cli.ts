/**
 * `npm run db:migrate`: applies the committed migrations (drizzle/migrations) to DATABASE_URL, or to
 * the embedded PGlite database in DATA_DIR. The server does the same at start-up.
 */
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../observability/logger.js";
import { openDatabase } from "./database.js";

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, poolSize: 1 });
  try {
    await database.migrate();
    console.log(`migrations applied (${database.kind})`);
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
