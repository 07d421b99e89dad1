import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { connect, ErrorCode, type GuestAuthResponse, type HttpErrorBody, type MatchResponse } from "@arena/client-sdk";
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from "../../src/auth/tokens.js";
import { player } from "../support/players.js";
import { TEST_DATABASE_URL, startServer, type ServerProcess } from "../support/server-process.js";

const SECRET = "test-secret-that-is-long-enough-0123456789";

async function sign(claims: { sub: string; name: string }, options: { secret?: string; audience?: string; expiresIn?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: claims.name })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(options.audience ?? TOKEN_AUDIENCE)
    .setIssuedAt(now - 7200)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

async function matchmake(server: ServerProcess, token: string | undefined, options: object = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}/matchmake/joinOrCreate/race`, { method: "POST", headers, body: JSON.stringify(options) });
  return { status: res.status, body: (await res.json()) as { error?: string; roomId?: string } };
}

describe("identity: guest tokens and token-checked matchmaking", () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer({ env: { AUTH_SECRET: SECRET, DATABASE_URL: TEST_DATABASE_URL } });
  });
  after(async () => {
    await server.stop();
  });

  async function guest(body: unknown, token?: string): Promise<{ status: number; body: GuestAuthResponse & HttpErrorBody }> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${server.url}/auth/guest`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as GuestAuthResponse & HttpErrorBody };
  }

  it("issues a token for a new guest and keeps the player id for a returning one", async () => {
    const first = await guest({ name: "Ada" });
    assert.equal(first.status, 200);
    assert.match(first.body.playerId, /^[0-9a-f-]{36}$/);
    assert.ok(Date.parse(first.body.expiresAt) > Date.now());
    const again = await guest({ name: "Ada L." }, first.body.token);
    assert.equal(again.body.playerId, first.body.playerId);
    assert.equal(again.body.name, "Ada L.");
    const stranger = await guest({ name: "Ada" });
    assert.notEqual(stranger.body.playerId, first.body.playerId);
  });

  it("validates the guest request", async () => {
    for (const body of [{}, { name: "" }, { name: "x".repeat(40) }, { name: "a\u0000b" }, { name: 7 }, { name: "ok", admin: true }, "not json"]) {
      const res = await guest(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, ErrorCode.InvalidQuery);
    }
    const forged = await guest({ name: "Eve" }, await sign({ sub: crypto.randomUUID(), name: "Eve" }, { secret: "another-secret-another-secret-0123456789" }));
    assert.equal(forged.status, 401);
    assert.equal(forged.body.code, ErrorCode.Unauthorized);
  });

  it("refuses matchmaking without a valid token, and reserves no seat", async () => {
    const sub = crypto.randomUUID();
    const cases: Array<[string, string | undefined]> = [
      ["no token", undefined],
      ["garbage", "not-a-jwt"],
      ["forged", await sign({ sub, name: "x" }, { secret: "another-secret-another-secret-0123456789" })],
      ["expired", await sign({ sub, name: "x" }, { expiresIn: -60 })],
      ["wrong audience", await sign({ sub, name: "x" }, { audience: "some-other-game" })],
    ];
    // a track length nobody else uses, so we can see whether a room or seat appeared
    const options = { trackLength: 777, maxPlayers: 2 };
    for (const [label, token] of cases) {
      const res = await matchmake(server, token, options);
      assert.equal(res.status, 401, label);
      assert.match(res.body.error ?? "", /^UNAUTHORIZED: /, label);
    }
    const honest = await (await player(server.url, "honest")).joinRace(options);
    await honest.waitFor((s) => s.racers.size > 0);
    assert.equal(honest.state.racers.size, 1, "no seat was reserved by the refused requests");
    assert.equal(honest.state.phase, "waiting");
    await honest.leave();
  });

  it("the SDK surfaces a refused join as ArenaError UNAUTHORIZED", async () => {
    await assert.rejects(connect(server.url).joinRace({}), { code: ErrorCode.Unauthorized });
  });

  it("a token of player A cannot act as player B: the identity comes from the token only", async () => {
    const a = await player(server.url, "A");
    const b = await player(server.url, "B");
    const bId = (await b.guest("B")).playerId;
    const aId = (await a.guest("A")).playerId;
    const options = { trackLength: 50, maxPlayers: 2 };
    // A claims to be B in every way the options allow
    const asB = await a.joinRace({ ...options, playerId: bId, name: "B", sub: bId } as typeof options);
    const realB = await b.joinRace(options);
    assert.equal(asB.state.racers.get(asB.sessionId)?.name, "A");
    await asB.waitFor((s) => s.phase === "racing");
    const timers = [asB, realB].map((r) => setInterval(() => r.send("input", { throttle: 1, steer: 0, boost: true }), 50));
    const finished = await asB.next("finished", 30_000);
    timers.forEach(clearInterval);
    assert.deepEqual(
      finished.standings.map((s) => s.playerId).sort(),
      [aId, bId].sort(),
      "each seat belongs to its token's player",
    );
    const mine = finished.standings.find((s) => s.sessionId === asB.sessionId)!;
    assert.equal(mine.playerId, aId);
    // and that is what is stored
    let stored: MatchResponse | undefined;
    for (let i = 0; i < 50 && !stored; i++) {
      const res = await fetch(`${server.url}/matches/${finished.matchId}`);
      if (res.status === 200) stored = (await res.json()) as MatchResponse;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(stored!.participants.map((p) => [p.playerId, p.displayName]).sort(), [[aId, "A"], [bId, "B"]].sort());
    await Promise.all([asB.leave(), realB.leave()]);
  });
});

describe("production refuses to start without AUTH_SECRET", () => {
  it("exits 1 with a clear message", async () => {
    const server = await startServer({ env: { NODE_ENV: "production" }, waitReady: false });
    assert.equal(await server.exited, 1);
    assert.match(server.rawOutput.join("\n"), /AUTH_SECRET: required when NODE_ENV=production/);
  });
});
