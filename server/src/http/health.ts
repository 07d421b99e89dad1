import type { Router } from "express";
import type { Database } from "../persistence/database.js";

/** Whether this node reaches Redis now (answered from memory: the link probes Redis on its own). */
export type RedisReadiness = () => { ok: true } | { ok: false; detail: string };

export interface ReadinessSources {
  database: Database;
  /** False while the node drains or shuts down. */
  accepting: () => boolean;
  /** With several nodes: matchmaking needs Redis, so readiness does too. */
  redis?: RedisReadiness;
}

const PROBE_TIMEOUT_MS = 1_500;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `GET /health`: the process is alive. `GET /ready`: it can take players and store results. */
export function mountHealthRoutes(router: Router, sources: ReadinessSources): void {
  router.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  router.get("/ready", async (_req, res) => {
    const checks: Record<string, "ok" | string> = {};
    try {
      // a probe must answer quickly, even while the database hangs
      await withTimeout(sources.database.ping(), PROBE_TIMEOUT_MS);
      checks.database = "ok";
      checks.migrations = (await withTimeout(sources.database.isMigrated(), PROBE_TIMEOUT_MS)) ? "ok" : "pending";
    } catch (error) {
      checks.database = `unreachable: ${(error as Error).message}`;
    }
    if (sources.redis) {
      const redis = sources.redis();
      checks.redis = redis.ok ? "ok" : `unreachable: ${redis.detail}`;
    }
    checks.accepting = sources.accepting() ? "ok" : "draining";
    const ready = Object.values(checks).every((v) => v === "ok");
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not-ready", checks });
  });
}
