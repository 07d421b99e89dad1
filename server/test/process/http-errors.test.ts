import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCode, type GuestAuthResponse, type HttpErrorBody } from "@arena/shared";
import { startServer, type ServerProcess } from "../support/server-process.js";

const STABLE_CODES = new Set<string>(Object.values(ErrorCode));
const TWO_MB = "x".repeat(2 * 1024 * 1024);

interface Probe {
  method: string;
  path: string;
  body?: string;
  token?: boolean;
}

describe("HTTP errors: every failure is JSON with a stable code", () => {
  let server: ServerProcess;
  let token = "";
  before(async () => {
    server = await startServer();
    const res = await fetch(`${server.url}/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"probe"}' });
    token = ((await res.json()) as GuestAuthResponse).token;
  });
  after(async () => {
    await server.stop();
  });

  async function send(probe: Probe): Promise<{ status: number; type: string; body: unknown }> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (probe.token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${server.url}${probe.path}`, { method: probe.method, headers, ...(probe.body === undefined ? {} : { body: probe.body }) });
    const type = res.headers.get("content-type") ?? "";
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // asserted below: the body must be JSON
    }
    return { status: res.status, type, body };
  }

  // routes of our own answer { code: "STABLE_CODE", message }
  const routes: Array<[Probe, number, ErrorCode]> = [
    [{ method: "GET", path: "/no/such/route" }, 404, ErrorCode.NotFound],
    [{ method: "GET", path: "/" }, 404, ErrorCode.NotFound],
    [{ method: "DELETE", path: "/auth/guest" }, 404, ErrorCode.NotFound],
    [{ method: "GET", path: "/matchmake/joinOrCreate/race" }, 404, ErrorCode.NotFound],
    [{ method: "POST", path: "/matchmake/joinOrCreate" }, 404, ErrorCode.NotFound],
    [{ method: "GET", path: "/play/no-such-file.js" }, 404, ErrorCode.NotFound],
    [{ method: "GET", path: "/play/%E0%A4%A" }, 404, ErrorCode.NotFound],
    [{ method: "POST", path: "/auth/guest", body: "{not json" }, 400, ErrorCode.InvalidQuery],
    [{ method: "POST", path: "/auth/guest", body: '{"name":""}' }, 400, ErrorCode.InvalidQuery],
    [{ method: "POST", path: "/auth/guest", body: TWO_MB }, 413, ErrorCode.PayloadTooLarge],
    [{ method: "GET", path: "/matches/not-a-uuid" }, 400, ErrorCode.InvalidQuery],
    [{ method: "GET", path: "/matches/00000000-0000-4000-8000-000000000000" }, 404, ErrorCode.NotFound],
    [{ method: "GET", path: "/leaderboards/race?limit=lots" }, 400, ErrorCode.InvalidQuery],
  ];
  for (const [probe, status, code] of routes) {
    it(`${probe.method} ${probe.path}${probe.body ? ` (${probe.body.length} B body)` : ""} → ${status} ${code}`, async () => {
      const answer = await send(probe);
      assert.equal(answer.status, status);
      assert.match(answer.type, /^application\/json/);
      const body = answer.body as HttpErrorBody;
      assert.equal(body.code, code);
      assert.equal(typeof body.message, "string");
      assert.ok(body.message.length > 0);
    });
  }

  // matchmaking keeps Colyseus' shape { code: <status>, error: "STABLE_CODE: detail" } that its SDKs parse
  const matchmaking: Array<[Probe, number, ErrorCode]> = [
    [{ method: "POST", path: "/matchmake/joinOrCreate/nosuchroom", body: "{}", token: true }, 520, ErrorCode.NotFound],
    [{ method: "POST", path: "/matchmake/foo/race", body: "{}", token: true }, 520, ErrorCode.NotFound],
    [{ method: "POST", path: "/matchmake/join/race", body: '{"trackLength":4321}', token: true }, 521, ErrorCode.NotFound],
    [{ method: "POST", path: "/matchmake/joinById/nosuchroomid", body: "{}", token: true }, 522, ErrorCode.NotFound],
    [{ method: "POST", path: "/matchmake/reconnect/nosuchroomid", body: "{}" }, 522, ErrorCode.NotFound],
    [{ method: "POST", path: "/matchmake/create/race", body: "{}" }, 401, ErrorCode.Unauthorized],
    [{ method: "POST", path: "/matchmake/create/race", body: '{"trackLength":-1}', token: true }, 400, ErrorCode.InvalidOptions],
    [{ method: "POST", path: "/matchmake/create/race", body: "{not json", token: true }, 400, ErrorCode.InvalidOptions],
    [{ method: "POST", path: "/matchmake/joinOrCreate/race", body: "{not json", token: true }, 400, ErrorCode.InvalidOptions],
    [{ method: "POST", path: "/matchmake/create/race", body: TWO_MB, token: true }, 413, ErrorCode.PayloadTooLarge],
  ];
  for (const [probe, status, code] of matchmaking) {
    it(`${probe.method} ${probe.path}${probe.body && probe.body.length > 100 ? " (2 MB body)" : ""} → ${status} ${code}`, async () => {
      const answer = await send(probe);
      assert.equal(answer.status, status);
      assert.match(answer.type, /^application\/json/);
      const body = answer.body as { code: number; error: string };
      assert.equal(body.code, status, "code is the status, as Colyseus' SDKs read it");
      const stable = /^([A-Z_]+): ./.exec(body.error)?.[1];
      assert.equal(stable, code, body.error);
      assert.ok(STABLE_CODES.has(stable));
    });
  }

  it("still serves the routes that exist (the catch-all comes last)", async () => {
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    assert.equal((await fetch(`${server.url}/__healthcheck`)).status, 200);
    assert.equal((await fetch(`${server.url}/play/`)).status, 200);
    const seat = await send({ method: "POST", path: "/matchmake/create/race", body: '{"trackLength":200}', token: true });
    assert.equal(seat.status, 200);
    assert.equal(typeof (seat.body as { roomId?: unknown }).roomId, "string");
  });
});
