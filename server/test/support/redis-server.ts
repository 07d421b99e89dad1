import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort, tempDir } from "./server-process.js";

const running = new Set<ChildProcess>();
// a test that fails half-way must not leave a Redis behind
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * A redis-server of a test's own, on a free port, without persistence: the test may stop it,
 * restart it empty or kill it, which it must never do to the Redis other tests share.
 */
export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), await tempDir("arena-redis-"));
    await server.restart();
    return server;
  }

  url(db = 0): string {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts it (again) on the same port: with no persistence it comes back empty. */
  async restart(): Promise<void> {
    if (this.child) return;
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir], {
      stdio: "ignore",
    });
    running.add(child);
    child.once("exit", () => running.delete(child));
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.cli("ping").stdout.trim() === "PONG") return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Stops it the hard way (a crash or a lost machine: no final write, connections reset). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** Runs redis-cli against it, e.g. `cli("hgetall", "roomcaches")`. */
  cli(...args: string[]): { status: number | null; stdout: string } {
    const run = spawnSync("redis-cli", ["-p", String(this.port), ...args], { encoding: "utf8" });
    return { status: run.status, stdout: run.stdout ?? "" };
  }
}
