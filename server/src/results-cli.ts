/**
 * `npm run results -- <command>`: the results quarantine of this node (DATA_DIR).
 *   quarantine            lists the journal entries the server could not use, with the reason
 *   show <id>             prints one entry's journal line as it was (fix it in the file if needed)
 *   retry <id|matchId|all> validates the entries again and writes those that pass to the database
 *                         (idempotent by match id); the others stay, with the reason printed
 * Exit code 0 = done (retry: every selected entry written), 1 = some entries still fail, 2 = bad
 * arguments or no such entry. Uses DATABASE_URL, or the PGlite in DATA_DIR (stop the server first).
 */
import path from "node:path";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./observability/logger.js";
import { openDatabase } from "./persistence/database.js";
import type { CheckedMatchResult } from "./persistence/match-result.js";
import { Quarantine, quarantineBeside, type QuarantineEntry } from "./persistence/quarantine.js";
import { writeMatchResults } from "./persistence/results-store.js";
import { JOURNAL_FILE, readJournalLine } from "./persistence/results-writer.js";

const USAGE = "usage: npm run results -- quarantine | show <id> | retry <id|matchId|all>";

/** The result in a quarantined journal line, or why it still cannot be used. */
function recheck(entry: QuarantineEntry): { result: CheckedMatchResult } | { problem: string } {
  const line = readJournalLine(entry.raw);
  if (line.op === "put") return { result: line.result };
  return { problem: line.op === "rejected" ? line.rejected.reason : "a done note, not a result" };
}

function pick(entries: QuarantineEntry[], which: string): QuarantineEntry[] {
  return which === "all" ? entries : entries.filter((e) => e.id === which || e.matchId === which);
}

async function retry(quarantine: Quarantine, selected: QuarantineEntry[]): Promise<number> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: createLogger("warn"), poolSize: 1 });
  let failing = 0;
  try {
    for (const entry of selected) {
      const checked = recheck(entry);
      if ("problem" in checked) {
        failing++;
        console.log(`${entry.id}  still quarantined: ${checked.problem}`);
        continue;
      }
      const outcome = (await writeMatchResults(database.db, [checked.result])).get(checked.result.matchId) ?? "duplicate";
      await quarantine.resolve(entry.id, outcome);
      console.log(`${entry.id}  match ${checked.result.matchId}: ${outcome}`);
    }
  } finally {
    await database.close();
  }
  return failing === 0 ? 0 : 1;
}

async function run(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  const config = loadConfig();
  const quarantine = new Quarantine(quarantineBeside(path.join(config.dataDir, JOURNAL_FILE)));
  const { entries, unreadable } = await quarantine.read();
  if (unreadable > 0) console.error(`warning: ${unreadable} line(s) of ${quarantine.file} are not quarantine entries (edited by hand?)`);
  if (command === "quarantine" && arg === undefined) {
    if (entries.length === 0) console.log(`nothing quarantined (${quarantine.file})`);
    for (const e of entries) console.log(`${e.id}  ${e.at}  match ${e.matchId ?? "-"}  ${e.reason}`);
    return 0;
  }
  const selected = arg === undefined ? [] : pick(entries, arg);
  if ((command !== "show" && command !== "retry") || arg === undefined) {
    console.error(USAGE);
    return 2;
  }
  if (selected.length === 0) {
    console.error(`no quarantined entry ${arg} in ${quarantine.file}`);
    return 2;
  }
  if (command === "show") {
    for (const e of selected) console.log(e.raw);
    return 0;
  }
  return retry(quarantine, selected);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  },
);
