import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCode, type HttpErrorBody } from "@arena/shared";
import { startServer, type ServerProcess } from "../support/server-process.js";

const ADMIN = "admin-token-0123456789abcdef";

describe("HTTP limits, CORS and admin", () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer({
      env: { HTTP_RATE_PER_MIN: "5", CORS_ORIGINS: "https://game.example.com, https://admin.example.com", ADMIN_TOKEN: ADMIN },
    });
  });
  after(async () => {
    await server.stop();
  });

  it("limits auth and matchmaking requests per IP with 429 and Retry-After", async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${server.url}/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "spam" }) });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.deepEqual(statuses.slice(5), [429, 429, 429]);
    assert.ok(Number(limited!.headers.get("retry-after")) >= 1);
    assert.equal(((await limited!.json()) as HttpErrorBody).code, ErrorCode.RateLimited);
    // matchmaking shares the budget of that IP
    const mm = await fetch(`${server.url}/matchmake/joinOrCreate/race`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(mm.status, 429);
    // in Colyseus' matchmaking shape, which its SDKs parse
    assert.deepEqual(Object.keys((await mm.json()) as object).sort(), ["code", "error"]);
    // reads are not limited
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });

  it("answers CORS only for configured origins, never with credentials", async () => {
    const allowed = await fetch(`${server.url}/health`, { headers: { origin: "https://game.example.com" } });
    assert.equal(allowed.headers.get("access-control-allow-origin"), "https://game.example.com");
    assert.equal(allowed.headers.get("access-control-allow-credentials"), null);
    const other = await fetch(`${server.url}/health`, { headers: { origin: "https://evil.example.net" } });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    const preflight = await fetch(`${server.url}/matchmake/joinOrCreate/race`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example.net", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
  });

  it("guards the admin monitor with ADMIN_TOKEN", async () => {
    assert.equal((await fetch(`${server.url}/admin/monitor/`)).status, 401);
    assert.equal((await fetch(`${server.url}/admin/monitor/`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status, 401);
    const basic = Buffer.from(`admin:${ADMIN}`).toString("base64");
    assert.equal((await fetch(`${server.url}/admin/monitor/`, { headers: { authorization: `Basic ${basic}` } })).status, 200);
    assert.equal((await fetch(`${server.url}/admin/monitor/`, { headers: { authorization: `Bearer ${ADMIN}` } })).status, 200);
  });
});

describe("without ADMIN_TOKEN", () => {
  it("does not mount the admin routes", async () => {
    const server = await startServer();
    try {
      const res = await fetch(`${server.url}/admin/monitor/`);
      assert.equal(res.status, 404);
    } finally {
      await server.stop();
    }
  });
});
