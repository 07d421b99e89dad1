/**
 * Several arena nodes for a benchmark, on a Redis and a PostgreSQL database of their own (a
 * redis-server on a free port and a scratch database), so that what Redis and PostgreSQL count is
 * arena's alone; with readers of their counters (Redis INFO, pg_stat_database, the WAL position, the
 * CPU of the database's backends).
 */
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { RedisServer } from "../../server/test/support/redis-server.js";
import { createScratchDatabase } from "../../server/test/support/scratch-database.js";
import { freePort, ServerUnderTest } from "./harness.js";

export interface ClusterOptions {
  nodes: number;
  /** Environment of every node (mode timings, linger), on top of the benchmark's defaults. */
  env?: Record<string, string>;
  /** Node flags of every node (e.g. --expose-gc for memory after a full GC). */
  nodeFlags?: string[];
  /** Pin node i to core i (a node a core); unpinned otherwise. */
  pinNodes?: boolean;
  /** Another build's server/dist/main.js instead of this checkout's (a commit before a change). */
  script?: string;
}

export class BenchCluster {
  private constructor(
    readonly redis: RedisServer,
    readonly database: { url: string; drop: () => Promise<void> },
    readonly sql: postgres.Sql,
    readonly nodes: ServerUnderTest[],
  ) {}

  static async start(options: ClusterOptions): Promise<BenchCluster> {
    const redis = await RedisServer.start();
    const database = await createScratchDatabase();
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    const nodes: ServerUnderTest[] = [];
    try {
      for (let i = 0; i < options.nodes; i++) {
        const port = await freePort();
        const env = { REDIS_URL: redis.url(0), PUBLIC_ADDRESS: `127.0.0.1:${port}`, NODE_ID: `bench-node-${i}`, DATABASE_URL: database.url, NODE_WATCHDOG_MS: "1000", ...options.env };
        nodes.push(await ServerUnderTest.start("arena", env, { port, core: options.pinNodes ? i : null, nodeFlags: options.nodeFlags ?? [], ...(options.script ? { script: options.script } : {}) }));
      }
    } catch (error) {
      await Promise.all(nodes.map((n) => n.stop()));
      await sql.end();
      await database.drop();
      await redis.kill();
      throw error;
    }
    return new BenchCluster(redis, database, sql, nodes);
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  /** `INFO <section>` of the cluster's Redis as numbers (non-numeric fields are left out). */
  redisInfo(section: string): Record<string, number> {
    const fields: Record<string, number> = {};
    for (const line of this.redis.cli("info", section).stdout.split("\n")) {
      const [key, value] = line.trim().split(":");
      if (key && value !== undefined && value !== "" && Number.isFinite(Number(value))) fields[key] = Number(value);
    }
    return fields;
  }

  /** `INFO commandstats`: calls per command (`cmdstat_hset:calls=3,usec=...` → `{ hset: 3 }`). */
  redisCommandCalls(): Record<string, number> {
    const calls: Record<string, number> = {};
    for (const line of this.redis.cli("info", "commandstats").stdout.split("\n")) {
      const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
      if (match) calls[match[1]!] = Number(match[2]);
    }
    return calls;
  }

  /** Redis totals that a run's difference is taken of. */
  redisCounters(): RedisCounters {
    const stats = this.redisInfo("stats");
    return {
      commands: stats.total_commands_processed ?? 0,
      netInputBytes: stats.total_net_input_bytes ?? 0,
      netOutputBytes: stats.total_net_output_bytes ?? 0,
      calls: this.redisCommandCalls(),
    };
  }

  redisUsedMemory(): number {
    return this.redisInfo("memory").used_memory ?? 0;
  }

  redisKeyCount(): number {
    return Number(this.redis.cli("dbsize").stdout.trim()) || 0;
  }

  /**
   * Every key with its type, expiry (-1: none) and size (fields of a hash, members of a set or
   * sorted set, items of a list), read in one server-side script so that thousands of keys take one call.
   */
  redisKeys(): RedisKey[] {
    const script = [
      "local out = {}",
      "for _, k in ipairs(redis.call('keys', '*')) do",
      "  local t = redis.call('type', k).ok",
      "  local n = 1",
      "  if t == 'hash' then n = redis.call('hlen', k) elseif t == 'set' then n = redis.call('scard', k)",
      "  elseif t == 'zset' then n = redis.call('zcard', k) elseif t == 'list' then n = redis.call('llen', k) end",
      "  out[#out + 1] = k .. ' ' .. t .. ' ' .. redis.call('ttl', k) .. ' ' .. n",
      "end",
      "return out",
    ].join("\n");
    const lines = this.redis.cli("eval", script, "0").stdout.split("\n").filter(Boolean);
    return lines.map((line) => {
      const [key = "", type = "", ttl = "-1", size = "1"] = line.split(" ");
      return { key, type, ttlS: Number(ttl), size: Number(size) };
    });
  }

  /** PostgreSQL totals of the scratch database that a run's difference is taken of. */
  async postgresCounters(): Promise<PostgresCounters> {
    const [stats] = await this.sql<Array<{ xact_commit: string; tup_inserted: string; tup_updated: string; lsn: string; results: string; participants: string }>>`
      select d.xact_commit::text, d.tup_inserted::text, d.tup_updated::text, pg_current_wal_lsn()::text as lsn,
             (select count(*) from matches)::text as results, (select count(*) from match_participants)::text as participants
      from pg_stat_database d where d.datname = current_database()`;
    const backends = await this.sql<Array<{ pid: number }>>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    return {
      commits: Number(stats!.xact_commit),
      tuplesInserted: Number(stats!.tup_inserted),
      tuplesUpdated: Number(stats!.tup_updated),
      walLsn: stats!.lsn,
      results: Number(stats!.results),
      participants: Number(stats!.participants),
      backendCpuMs: Object.fromEntries(backends.map((b) => [b.pid, processCpuMs(b.pid)])),
    };
  }

  /** WAL bytes between two LSNs. */
  async walBytes(from: string, to: string): Promise<number> {
    const [row] = await this.sql<Array<{ bytes: string }>>`select pg_wal_lsn_diff(${to}::pg_lsn, ${from}::pg_lsn)::text as bytes`;
    return Number(row!.bytes);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    await this.sql.end();
    await this.database.drop();
    await this.redis.kill();
  }
}

export interface RedisKey {
  key: string;
  type: string;
  /** Seconds to expiry, -1 without one. */
  ttlS: number;
  size: number;
}

/** Keys grouped by pattern (ids replaced by `*`): how many, how many never expire, their entries. */
export function keyPatterns(keys: RedisKey[]) {
  const groups: Record<string, { keys: number; withoutExpiry: number; entries: number; type: string }> = {};
  for (const k of keys) {
    const pattern = k.key.replace(/:[^:]+$/, ":*");
    const group = (groups[pattern] ??= { keys: 0, withoutExpiry: 0, entries: 0, type: k.type });
    group.keys++;
    if (k.ttlS < 0) group.withoutExpiry++;
    group.entries += k.size;
  }
  return groups;
}

export interface RedisCounters {
  commands: number;
  netInputBytes: number;
  netOutputBytes: number;
  calls: Record<string, number>;
}

export interface PostgresCounters {
  commits: number;
  tuplesInserted: number;
  tuplesUpdated: number;
  walLsn: string;
  results: number;
  /** Rows of match_participants (a stored result's players). */
  participants: number;
  /** CPU time of each backend of the database (by pid) so far. */
  backendCpuMs: Record<string, number>;
}

/** Redis work between two readings: commands (by name), bytes in and out. */
export function redisDelta(before: RedisCounters, after: RedisCounters) {
  const calls: Record<string, number> = {};
  for (const [name, count] of Object.entries(after.calls)) {
    const delta = count - (before.calls[name] ?? 0);
    if (delta > 0) calls[name] = delta;
  }
  // the readings themselves (INFO, DBSIZE) are not arena's
  delete calls.info;
  delete calls.dbsize;
  const commands = Object.values(calls).reduce((a, b) => a + b, 0);
  return { commands, netInputBytes: after.netInputBytes - before.netInputBytes, netOutputBytes: after.netOutputBytes - before.netOutputBytes, calls };
}

/** CPU of the backends between two readings; a backend that exists in only one reading counts from 0. */
export function backendCpuDeltaMs(before: PostgresCounters, after: PostgresCounters): number {
  let total = 0;
  for (const [pid, ms] of Object.entries(after.backendCpuMs)) total += ms - (before.backendCpuMs[pid] ?? 0);
  return total;
}

/** User + system CPU of a process from /proc (0 once it is gone). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the fields after the command name, which is in parentheses and may contain spaces
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Busy and total CPU time of the whole machine so far (/proc/stat, all cores), for its busy share between two readings. */
export function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}
