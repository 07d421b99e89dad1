import type { Router } from "express";
import type { Database } from "../persistence/database.js";

export interface ReadinessSources {
  database: Database;
  /** False while the node drains or shuts down. */
  accepting: () => boolean;
}

/** `GET /health`: the process is alive. `GET /ready`: it can take players and store results. */
export function mountHealthRoutes(router: Router, sources: ReadinessSources): void {
  router.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  router.get("/ready", async (_req, res) => {
    const checks: Record<string, "ok" | string> = {};
    try {
      await sources.database.ping();
      checks.database = "ok";
      checks.migrations = (await sources.database.isMigrated()) ? "ok" : "pending";
    } catch (error) {
      checks.database = `unreachable: ${(error as Error).message}`;
    }
    checks.accepting = sources.accepting() ? "ok" : "draining";
    const ready = Object.values(checks).every((v) => v === "ok");
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not-ready", checks });
  });
}
