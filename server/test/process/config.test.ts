import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { ConfigError, describeEnv, loadConfig } from "../../src/config.js";
import { REPO_ROOT, startServer } from "../support/server-process.js";

describe("configuration", () => {
  it("has working defaults: port 2567, embedded database, no Redis", () => {
    const config = loadConfig({});
    assert.equal(config.port, 2567);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.tickRateHz, 20);
  });

  it("treats empty variables as unset and coerces numbers", () => {
    const config = loadConfig({ PORT: "3000", DATABASE_URL: "", REDIS_URL: "redis://127.0.0.1:6379" });
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.redisUrl, "redis://127.0.0.1:6379");
  });

  it("names every bad variable at once", () => {
    assert.throws(
      () => loadConfig({ PORT: "http", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud", PUBLIC_ADDRESS: "http://a:1" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.problems.join("\n");
        for (const name of ["PORT", "DATABASE_URL", "LOG_LEVEL", "PUBLIC_ADDRESS"]) assert.match(text, new RegExp(name));
        return true;
      },
    );
  });

  it("documents every variable, in the schema and in the README's table", () => {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    for (const entry of describeEnv()) {
      assert.ok(entry.description.length > 10, `${entry.name} lacks a description`);
      assert.ok(readme.includes(`| \`${entry.name}\` |`), `README's configuration table lacks ${entry.name}`);
    }
  });

  it("the server process refuses to start on bad config, with exit code 1 and a clear message", () => {
    const run = spawnSync(process.execPath, ["server/dist/main.js"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, PORT: "not-a-port", DATABASE_URL: "mysql://nope" },
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /invalid configuration/);
    assert.match(run.stderr, /PORT/);
    assert.match(run.stderr, /DATABASE_URL: must be a postgres:\/\/ URL/);
  });
});

describe("health and readiness", () => {
  it("/health answers while alive; /ready is 200 with the database and migrations in place", async () => {
    const server = await startServer();
    try {
      const health = await fetch(`${server.url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: "ok" });
      const ready = await fetch(`${server.url}/ready`);
      assert.equal(ready.status, 200);
      const body = (await ready.json()) as { checks: Record<string, string> };
      assert.deepEqual(body.checks, { database: "ok", migrations: "ok", accepting: "ok" });
    } finally {
      await server.stop();
    }
  });
});
