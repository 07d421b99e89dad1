/**
 * `npm run replay -- <matchId>`: loads a stored match and re-runs it through the pure game logic.
 * Prints whether the replay reproduces the stored result exactly. Exit code 0 = reproduced,
 * 1 = differs, 2 = no such match or bad arguments, 3 = recorded with rules this server no longer has. Uses DATABASE_URL, or the PGlite in DATA_DIR
 * (stop the server first: PGlite is single-process).
 */
import { z } from "zod";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./observability/logger.js";
import { openDatabase } from "./persistence/database.js";
import { replayStoredMatch } from "./replay/replay-match.js";

async function run(): Promise<number> {
  const matchId = z.uuid().safeParse(process.argv[2]);
  if (!matchId.success) {
    console.error("usage: npm run replay -- <matchId (UUID)>");
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger("warn");
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, poolSize: 1 });
  try {
    const report = await replayStoredMatch(database.db, matchId.data);
    if (!report) {
      console.error(`no match ${matchId.data} in the database`);
      return 2;
    }
    console.log(`match ${report.matchId} (${report.mode}, ${report.status}, rules v${report.recordedRules})`);
    if (report.verdict === "rules-changed") {
      console.log(`RULES CHANGED: recorded with rules v${report.recordedRules}, current v${report.currentRules}; not replayed`);
      return 3;
    }
    const width = Math.max(...report.stored.map((l) => l.length), 6);
    console.log(`${"stored".padEnd(width)} | replayed`);
    for (let i = 0; i < Math.max(report.stored.length, report.replayed.length); i++) {
      const a = report.stored[i] ?? "";
      const b = report.replayed[i] ?? "";
      console.log(`${a.padEnd(width)} | ${b}${a === b ? "" : "   <-- differs"}`);
    }
    const reproduced = report.verdict === "reproduced";
    console.log(reproduced ? "REPRODUCED: the replay gives exactly the stored result" : "DIFFERS: the replay does not give the stored result");
    return reproduced ? 0 : 1;
  } finally {
    await database.close();
  }
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  },
);
