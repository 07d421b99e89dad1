import { spawnSync } from "node:child_process";
import { TEST_REDIS_URL, startServer, type ServerProcess } from "./server-process.js";

export const CLUSTER_SECRET = "cluster-test-secret-0123456789abcdef";

/**
 * Nodes sharing one Redis logical database that nothing else uses (flushed first), so the cluster
 * cannot see nodes of other tests.
 */
export function isolatedRedisUrl(db: number): string {
  const flushed = spawnSync("redis-cli", ["-u", TEST_REDIS_URL, "-n", String(db), "flushdb"], { encoding: "utf8" });
  if (flushed.status !== 0) throw new Error(`could not flush Redis db ${db}: ${flushed.stderr}`);
  return `${TEST_REDIS_URL.replace(/\/\d*$/, "")}/${db}`;
}

/** Starts a node of the cluster; its processId comes from its "server listening" log line. */
export async function startNode(redisUrl: string, env: Record<string, string> = {}): Promise<ServerProcess & { processId: string }> {
  const port = env.PORT;
  const node = await startServer({
    env: {
      REDIS_URL: redisUrl,
      AUTH_SECRET: CLUSTER_SECRET,
      NODE_WATCHDOG_MS: "1000",
      ...(port ? { PUBLIC_ADDRESS: `127.0.0.1:${port}` } : {}),
      ...env,
    },
  });
  if (!port) throw new Error("cluster nodes need an explicit PORT (for PUBLIC_ADDRESS)");
  const listening = await node.waitForLog((l) => l.msg === "server listening");
  return Object.assign(node, { processId: String(listening.processId) });
}
