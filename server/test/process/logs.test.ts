import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { player } from "../support/players.js";
import { startServer, type ServerProcess } from "../support/server-process.js";

const SECRET = "log-test-secret-do-not-print-0123456789";
const ADMIN = "log-test-admin-token-0123456789";

describe("logs", () => {
  let server: ServerProcess;
  const tokens: string[] = [];

  before(async () => {
    server = await startServer({ env: { AUTH_SECRET: SECRET, ADMIN_TOKEN: ADMIN, LOG_LEVEL: "trace" } });
    // a whole race, with tokens in headers (matchmaking) and in the WebSocket URL (_authToken)
    const a = await player(server.url, "ada");
    const b = await player(server.url, "bob");
    tokens.push(a.token!, b.token!);
    const options = { trackLength: 50, maxPlayers: 2 };
    const ra = await a.joinRace(options);
    const rb = await b.joinRace(options);
    ra.room.send("input", { throttle: 9, steer: 0, boost: false });
    await ra.waitFor((s) => s.phase === "racing");
    const timers = [ra, rb].map((r) => setInterval(() => r.send("input", { throttle: 1, steer: 0, boost: true }), 50));
    await ra.next("finished", 30_000);
    timers.forEach(clearInterval);
    await Promise.all([ra.leave(), rb.leave()]);
    // secrets in request headers and bodies
    await fetch(`${server.url}/admin/monitor/`, { headers: { authorization: `Bearer ${ADMIN}` } });
    await fetch(`${server.url}/auth/guest`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${tokens[0]}` }, body: JSON.stringify({ name: "ada" }) });
    await fetch(`${server.url}/auth/guest?token=${tokens[0]}`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": "req-42" }, body: "{" });
    await server.waitForLog((l) => l.reqId === "req-42");
  });
  after(async () => {
    await server.stop();
  });

  it("are JSON, one line per event", () => {
    const nonJson = server.rawOutput.filter((line) => line.trim() !== "" && !line.startsWith("{"));
    assert.deepEqual(nonJson, []);
    // a race, its players and the HTTP requests log about 21 lines; the result writer's may come a moment later
    assert.ok(server.logs.length > 12, `${server.logs.length} log lines`);
    for (const line of server.logs) assert.equal(typeof line.level, "string");
  });

  it("never contain a token, the auth secret or the admin token", () => {
    const all = server.rawOutput.join("\n");
    for (const secret of [SECRET, ADMIN, ...tokens]) {
      assert.ok(!all.includes(secret), `a log line contains a secret (${secret.slice(0, 12)}...)`);
    }
  });

  it("tag room lines with room id, mode and match id, and player lines with the session id", () => {
    const roomLines = server.logs.filter((l) => l.mode === "race" && l.roomId);
    assert.ok(roomLines.length > 3);
    for (const line of roomLines) assert.match(String(line.matchId), /^[0-9a-f-]{36}$/);
    const joined = server.logs.filter((l) => l.msg === "player joined");
    assert.equal(joined.length, 2);
    for (const line of joined) assert.ok(line.sessionId && line.roomId && line.matchId);
  });

  it("give every HTTP line a request id, echoing a valid X-Request-Id", () => {
    const http = server.logs.filter((l) => l.msg === "http request");
    assert.ok(http.length >= 5);
    for (const line of http) {
      assert.ok(typeof line.reqId === "string" && line.reqId.length > 0);
      assert.ok(!String(line.path).includes("?"), "no query strings in paths");
    }
    assert.ok(http.some((l) => l.reqId === "req-42" && l.status === 400));
  });
});
