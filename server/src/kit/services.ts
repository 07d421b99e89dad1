import type { TokenService } from "../auth/tokens.js";
import type { Config } from "../config.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { Database } from "../persistence/database.js";
import type { MatchResult } from "../persistence/match-result.js";

/** Where finished matches go. The rooms hand a result over and never wait for the database. */
export interface ResultsSink {
  submit(result: MatchResult): Promise<void>;
}

/** What rooms need from the process; main.ts hands them to each room class it registers (see modes/rooms.ts). */
export interface RoomServices {
  config: Config;
  logger: Logger;
  results: ResultsSink;
  /** For reads a room needs while it runs (e.g. the quiz question bank). Results go through `results`. */
  database: Database;
  /** Verifies player tokens during matchmaking. */
  tokens: TokenService;
  metrics: Metrics;
  /** Told of every join into a match room, so admission control measures the joins the node serves (see http/admission.ts). */
  joins?: { joined(sessionId: string): void };
}
