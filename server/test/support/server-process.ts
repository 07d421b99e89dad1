import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function tempDir(prefix = "arena-test-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/** A real server process, started the way an operator starts it. */
export class ServerProcess {
  readonly logs: LogLine[] = [];
  readonly rawOutput: string[] = [];
  private exitPromise: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly env: Record<string, string>,
    private readonly groupLeader = false,
  ) {
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        this.rawOutput.push(line);
        if (process.env.SHOW_SERVER_LOGS) process.stderr.write(`[server:${port}] ${line}\n`);
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          // not a JSON line (e.g. a crash message)
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    // "close" waits for the output pipes too, so under `npm start` it means the server itself is gone
    this.exitPromise = new Promise((resolve) => child.once("close", (code) => resolve(code)));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): Promise<number | null> {
    return this.exitPromise;
  }

  /** `GET path` of this server: the status and the JSON body. */
  async get<T>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  }

  /** Waits until `GET /ready` answers 200 (or the process dies). */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exitPromise.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) throw new Error(`server exited before ready:\n${this.rawOutput.slice(-20).join("\n")}`);
      try {
        const res = await fetch(`${this.url}/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server not ready within ${timeoutMs} ms:\n${this.rawOutput.slice(-20).join("\n")}`);
  }

  /** Waits for a log line matching the predicate. */
  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.logs.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no matching log line within ${timeoutMs} ms`);
  }

  /** Sends a signal to the server (to its whole process group when it runs under `npm start`). */
  kill(signal: NodeJS.Signals): void {
    if (this.groupLeader && this.child.pid) {
      try {
        process.kill(-this.child.pid, signal);
        return;
      } catch {
        // group already gone
      }
    }
    this.child.kill(signal);
  }

  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.kill(signal);
    const timer = setTimeout(() => this.kill("SIGKILL"), timeoutMs);
    const code = await this.exitPromise;
    clearTimeout(timer);
    return code;
  }
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Command to run instead of `node server/dist/main.js`, e.g. ["npm", "start"]. */
  command?: string[];
  /** Wait for /ready (default true). */
  waitReady?: boolean;
}

/** Starts `node server/dist/main.js` (built by `npm test`'s typecheck step) on a free port. */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const port = options.env?.PORT ? Number(options.env.PORT) : await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: options.env?.DATA_DIR ?? (await tempDir()),
    // real PostgreSQL by default (fast start); pass DATABASE_URL: "" for the embedded PGlite
    DATABASE_URL: TEST_DATABASE_URL,
    LOG_LEVEL: "info",
    RACE_COUNTDOWN_MS: "300",
    RACE_LOBBY_TIMEOUT_MS: "2000",
    POST_MATCH_LINGER_MS: "2000",
    ...options.env,
  };
  const [command, ...args] = options.command ?? [process.execPath, "server/dist/main.js"];
  // a wrapper such as `npm start` runs in its own process group, so a signal reaches the server under it
  const wrapped = options.command !== undefined;
  const child = spawn(command as string, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: wrapped });
  const server = new ServerProcess(child, port, env, wrapped);
  if (options.waitReady !== false) {
    try {
      await server.waitReady();
    } catch (error) {
      await server.stop("SIGKILL");
      throw error;
    }
  }
  return server;
}
