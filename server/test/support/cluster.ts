import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { ArenaClient, SeatReservation } from "@arena/client-sdk";
import { TEST_REDIS_URL, startServer, type ServerProcess } from "./server-process.js";

export const CLUSTER_SECRET = "cluster-test-secret-0123456789abcdef";

export type Node = ServerProcess & { processId: string };

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
export async function startNode(redisUrl: string, env: Record<string, string> = {}): Promise<Node> {
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

export type Method = "create" | "joinOrCreate" | "join" | "joinById";

/** A matchmaking answer as the HTTP route gives it, with how long it took. */
export interface Reserved {
  status: number;
  body: SeatReservation & { error?: string; code?: unknown; message?: string };
  retryAfter: string | null;
  ms: number;
}

/** Reserves a seat through `via` with the given method (`target`: room name, or room id for joinById). */
export async function reserve(via: ServerProcess, client: ArenaClient, method: Method, target: string, options: object = {}): Promise<Reserved> {
  const started = performance.now();
  const res = await fetch(`${via.url}/matchmake/${method}/${target}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${client.token}` },
    body: JSON.stringify(options),
  });
  const body = (await res.json()) as Reserved["body"];
  return { status: res.status, body, retryAfter: res.headers.get("retry-after"), ms: performance.now() - started };
}

/** The stable code of a matchmaking failure: Colyseus' shape, `{ code: <status>, error: "CODE: detail" }`. */
export function matchmakeCode(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === "string" ? /^([A-Z][A-Z_]+):/.exec(error)?.[1] : undefined;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates rooms through `via` until one lands on `on`, and returns the seated client's room there.
 * Rooms landing elsewhere stay open until then: Colyseus creates a room on the process with the
 * fewest rooms, so a room left at once (disposed) would make the same node the choice again. Each
 * node publishes its room count at most once a second, hence the pause between attempts.
 */
export async function roomOn(via: ServerProcess, on: Node, client: ArenaClient, mode: string, options: object) {
  const strays: Array<{ leave(): Promise<unknown> }> = [];
  try {
    for (let attempt = 0; attempt < 8; attempt++) {
      const { status, body } = await reserve(via, client, "create", mode, options);
      assert.equal(status, 200, JSON.stringify(body));
      const room = await client.takeSeat(body);
      if (body.processId === on.processId) return { room, reservation: body };
      strays.push(room);
      await wait(1_100);
    }
  } finally {
    await Promise.all(strays.map((room) => room.leave()));
  }
  throw new Error(`no ${mode} room landed on ${on.processId}`);
}
