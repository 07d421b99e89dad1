import { hostname } from "node:os";
import path from "node:path";
import { z } from "zod";
import { SERVER_MODES } from "./modes/index.js";
import { FIRST_SEASON, SeasonId } from "./persistence/match-result.js";

/**
 * Every setting the server reads from the environment, with its default and what it means: the
 * server's own, then each mode's section. The README's configuration table mirrors this list.
 */
const ServerEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development").describe("Runtime environment."),
  PORT: z.coerce.number().int().min(0).max(65535).default(2567).describe("HTTP and WebSocket port (0 = any free port)."),
  HOST: z.string().min(1).default("0.0.0.0").describe("Interface to listen on."),
  LISTEN_BACKLOG: z.coerce
    .number()
    .int()
    .min(1)
    .max(65_535)
    .default(4096)
    .describe("Connections the kernel queues for the server before it accepts them (capped by net.core.somaxconn); past it a client's SYN is dropped and retried after a second."),
  PUBLIC_ADDRESS: z
    .string()
    .regex(/^[^\s/:]+(:\d{1,5})?(\/.*)?$/, "must be host[:port] without a scheme, e.g. game-1.example.com:2567")
    .optional()
    .describe("Address clients use to reach this node (host:port, no scheme). Needed with several nodes."),
  NODE_ID: z.string().min(1).optional().describe("Name of this node in logs and match results (default: hostname-pid)."),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("pino log level."),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" })
    .optional()
    .describe("PostgreSQL URL. Unset: an embedded PGlite database in DATA_DIR."),
  DATA_DIR: z.string().min(1).default("./data").describe("Folder for the embedded database and the results journal."),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: "must be a redis:// URL" })
    .optional()
    .describe("Redis URL for presence and the room driver across nodes. Unset: single node, in-memory."),
  TICK_RATE_HZ: z.coerce.number().int().min(1).max(120).default(20).describe("Simulation ticks per second (race, war)."),
  PATCH_RATE_HZ: z.coerce
    .number()
    .int()
    .min(1)
    .max(120)
    .default(10)
    .describe("State patches sent to clients per second (at most TICK_RATE_HZ); clients interpolate between them."),
  RECONNECT_WINDOW_S: z.coerce.number().min(0).max(600).default(20).describe("Seconds a dropped client may rejoin its seat."),
  AUTH_SECRET: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional()
    .describe("Secret that signs player tokens (HS256). Required when NODE_ENV=production; otherwise a random one per process."),
  AUTH_TOKEN_TTL_S: z.coerce.number().int().min(60).max(31_536_000).default(86_400).describe("Lifetime of a player token, seconds."),
  ADMIN_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters")
    .optional()
    .describe("Credential for the admin routes (/admin/*, Colyseus monitor). Unset: admin routes are not mounted."),
  CORS_ORIGINS: z
    .string()
    .optional()
    .describe("Comma-separated origins allowed to call the HTTP API from a browser, e.g. https://game.example.com. Unset: any origin, without credentials."),
  TRUST_PROXY: z
    .enum(["true", "false"])
    .default("false")
    .describe("Take the client IP from X-Forwarded-For / X-Real-IP (only behind a proxy you control)."),
  HTTP_RATE_PER_MIN: z.coerce.number().int().min(1).default(120).describe("Matchmaking and auth requests allowed per client IP per minute (burst: the same number)."),
  MSG_RATE_PER_S: z.coerce.number().int().min(1).default(30).describe("Room messages a client may send per second (sustained); bursts up to twice that."),
  MSG_RATE_STRIKES: z.coerce.number().int().min(1).default(3).describe("Rate-limit warnings within 10 s before the client is disconnected."),
  MAX_MESSAGE_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(4096).describe("Largest WebSocket frame a client may send; larger frames close the connection (1009)."),
  SEASON: SeasonId.default(FIRST_SEASON).describe(
    "The current season: matches count for its stats, ratings and leaderboards. A new id starts new boards, ratings carried over with widened uncertainty.",
  ),
  RESULTS_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(10_000)
    .describe("Longest wait between retries of a result write while the database is unreachable."),
  DRAIN_GRACE_S: z.coerce
    .number()
    .min(0)
    .max(3600)
    .default(30)
    .describe("On SIGTERM, how long running matches may go on before they are ended and recorded as aborted."),
  NODE_WATCHDOG_MS: z.coerce
    .number()
    .int()
    .min(500)
    .max(60_000)
    .default(3000)
    .describe("With Redis: how often a node looks for dead nodes and removes their room listings."),
  SPECTATOR_DELAY_S: z.coerce
    .number()
    .min(0)
    .max(600)
    .default(0)
    .describe("Seconds spectators watch behind the match (competitive play: no live information to pass on)."),
  MAX_SPECTATORS_PER_ROOM: z.coerce.number().int().min(0).max(10_000).default(50).describe("Spectators one match may have (0: no spectating)."),
  MAX_SPECTATORS_PER_NODE: z.coerce.number().int().min(0).max(1_000_000).default(2000).describe("Spectators all matches of one node may have together."),
  MATCHMAKING_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(700)
    .describe("With Redis: longest wait for a matchmaking answer; past it (Redis or the hosting node too slow) the request gets 503 UNAVAILABLE with Retry-After."),
  SEAT_RESERVATION_S: z.coerce
    .number()
    .min(0.5)
    .max(300)
    .default(15)
    .describe("Seconds a match room holds a seat that matchmaking reserved for the client's WebSocket join; then the seat is freed and the join fails."),
  ADMISSION_CONTROL: z
    .enum(["true", "false"])
    .default("true")
    .describe("Refuse joins (503 OVERLOADED with Retry-After) that the node cannot serve within the seat reservation time, judged by the joins it served recently."),
  ADMISSION_MAX_WAIT_SHARE: z.coerce
    .number()
    .min(0.05)
    .max(1)
    .default(0.5)
    .describe("Share of SEAT_RESERVATION_S a new join's expected wait (joins ahead of it / the node's recent serve rate) may take before it is refused."),
  ADMISSION_RATE_SAMPLES: z.coerce
    .number()
    .int()
    .min(20)
    .max(10_000)
    .default(100)
    .describe("Admission control measures the node's serve rate over this many of its latest joins (joins per second of time with joins waiting)."),
  QUEUE_CYCLE_MS: z.coerce.number().int().min(50).max(10_000).default(1000).describe("How often a queue forms groups and tells its players the queue size and their wait."),
  QUEUE_BAND_BASE: z.coerce.number().min(0).max(1000).default(2).describe("Rating difference (ordinal points) a queue group may span at once."),
  QUEUE_BAND_PER_S: z.coerce.number().min(0).max(1000).default(0.5).describe("Rating difference added per second the group's longest waiter has waited."),
  QUEUE_BAND_MAX: z.coerce.number().min(0).max(10_000).default(40).describe("The widest a queue group's rating difference gets."),
  QUEUE_FILL_AFTER_S: z.coerce
    .number()
    .min(0)
    .max(3600)
    .default(20)
    .describe("After this wait a group that is not full goes anyway: bots take the free seats (war, dice), or the match starts short with the mode's fewest players."),
  QUEUE_PARTY_MARGIN: z.coerce.number().min(0).max(100).default(1).describe("Ordinal points a party's rating gets above its members' mean per member beyond the first."),
  QUEUE_PARTY_WAIT_S: z.coerce.number().min(1).max(600).default(15).describe("How long a party's queue waits for every member to join it before it is cancelled."),
  POST_MATCH_LINGER_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(30_000)
    .describe("How long a finished room stays open so clients can read the result."),
});

const Env = ServerEnv.extend(Object.assign({}, ...SERVER_MODES.map((mode) => mode.config.env)) as z.ZodRawShape);

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.output<typeof ServerEnv> & Record<string, unknown>) {
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    listenBacklog: env.LISTEN_BACKLOG,
    publicAddress: env.PUBLIC_ADDRESS,
    nodeId: env.NODE_ID ?? `${hostname()}-${process.pid}`,
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(env.DATA_DIR),
    redisUrl: env.REDIS_URL,
    tickRateHz: env.TICK_RATE_HZ,
    patchRateHz: env.PATCH_RATE_HZ,
    reconnectWindowSeconds: env.RECONNECT_WINDOW_S,
    auth: {
      secret: env.AUTH_SECRET,
      tokenTtlSeconds: env.AUTH_TOKEN_TTL_S,
      adminToken: env.ADMIN_TOKEN,
    },
    http: {
      corsOrigins: env.CORS_ORIGINS?.split(",").map((o) => o.trim()).filter((o) => o.length > 0),
      trustProxy: env.TRUST_PROXY === "true",
      ratePerMinute: env.HTTP_RATE_PER_MIN,
    },
    limits: {
      messagesPerSecond: env.MSG_RATE_PER_S,
      strikes: env.MSG_RATE_STRIKES,
      maxMessageBytes: env.MAX_MESSAGE_BYTES,
    },
    postMatchLingerMs: env.POST_MATCH_LINGER_MS,
    spectators: {
      delayMs: env.SPECTATOR_DELAY_S * 1000,
      perRoom: env.MAX_SPECTATORS_PER_ROOM,
      perNode: env.MAX_SPECTATORS_PER_NODE,
    },
    drainGraceMs: env.DRAIN_GRACE_S * 1000,
    resultsRetryMaxMs: env.RESULTS_RETRY_MAX_MS,
    season: env.SEASON,
    watchdogMs: env.NODE_WATCHDOG_MS,
    matchmakingTimeoutMs: env.MATCHMAKING_TIMEOUT_MS,
    seatReservationSeconds: env.SEAT_RESERVATION_S,
    admission: {
      enabled: env.ADMISSION_CONTROL === "true",
      maxWaitShare: env.ADMISSION_MAX_WAIT_SHARE,
      rateSamples: env.ADMISSION_RATE_SAMPLES,
    },
    queue: {
      cycleMs: env.QUEUE_CYCLE_MS,
      band: { base: env.QUEUE_BAND_BASE, perSecond: env.QUEUE_BAND_PER_S, max: env.QUEUE_BAND_MAX, fillAfterMs: env.QUEUE_FILL_AFTER_S * 1000 },
      partyMargin: env.QUEUE_PARTY_MARGIN,
      partyWaitMs: env.QUEUE_PARTY_WAIT_S * 1000,
    },
    /** Each mode's own section, read by its definition (`config.read`). */
    modes: Object.fromEntries(SERVER_MODES.map((mode) => [mode.contract.name, mode.config.read(env as never)])) as Record<string, unknown>,
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates the environment. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(Env.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") relevant[key] = value;
  }
  const parsed = Env.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  if (parsed.data.NODE_ENV === "production" && !parsed.data.AUTH_SECRET) {
    throw new ConfigError(["AUTH_SECRET: required when NODE_ENV=production (tokens must verify on every node and survive restarts)"]);
  }
  return toConfig(parsed.data as z.output<typeof ServerEnv> & Record<string, unknown>);
}

/** Name, default and description of every variable, for documentation. */
export function describeEnv(): Array<{ name: string; default: string; description: string }> {
  return Object.entries(Env.shape as Record<string, z.ZodType>).map(([name, schema]) => {
    const def = schema.safeParse(undefined);
    return {
      name,
      default: def.success && def.data !== undefined ? String(def.data) : "",
      description: schema.description ?? "",
    };
  });
}
