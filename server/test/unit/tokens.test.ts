import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { SignJWT } from "jose";
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenService } from "../../src/auth/tokens.js";

const SECRET = "unit-test-secret-unit-test-secret-0123";
const key = new TextEncoder().encode(SECRET);
const PLAYER = "0b7c7d3e-1d2f-4a5b-8c9d-0e1f2a3b4c5d";

/** A token as jose signs it, with the claims and header a test changes. */
async function sign(claims: Record<string, unknown>, secret = key): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: "Ada", sub: PLAYER, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now, exp: now + 60, ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(secret);
}

async function refusal(tokens: TokenService, token: string): Promise<string> {
  try {
    await tokens.verify(token);
  } catch (error) {
    return (error as { reason: string }).reason;
  }
  return "accepted";
}

describe("player tokens", () => {
  it("verifies what it issued, and a token jose signs with the same secret", async () => {
    const tokens = new TokenService(SECRET, 3600);
    const issued = await tokens.issue("Grace");
    assert.deepEqual(await tokens.verify(issued.token), { playerId: issued.playerId, displayName: "Grace" });
    assert.deepEqual(await new TokenService(SECRET, 3600).verify(await sign({})), { playerId: PLAYER, displayName: "Ada" });
  });

  it("refuses tampered, foreign, expired, not-yet-valid and malformed tokens", async () => {
    const tokens = new TokenService(SECRET, 3600);
    const good = await sign({});
    const [header, payload, signature] = good.split(".") as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), name: "Eve" })).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const cases: Record<string, string> = {
      "payload changed": `${header}.${forged}.${signature}`,
      "signature changed": `${header}.${payload}.${signature.slice(0, -2)}AA`,
      "another secret": await sign({}, new TextEncoder().encode("another-secret-another-secret-0123456")),
      "wrong issuer": await sign({ iss: "someone" }),
      "wrong audience": await sign({ aud: "elsewhere" }),
      "not active yet": await sign({ nbf: now + 600 }),
      "iat not a number": await sign({ iat: "yesterday" }),
      "two parts": `${header}.${payload}`,
      "garbage": "not-a-token",
    };
    for (const [what, token] of Object.entries(cases)) assert.equal(await refusal(tokens, token), "invalid", what);
    assert.equal(await refusal(tokens, await sign({ exp: now - 1 })), "expired");
    assert.equal(await refusal(tokens, ""), "missing");
  });

  it("refuses a token signed with another algorithm, even with the right secret", async () => {
    const tokens = new TokenService(SECRET, 3600);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const body = part({ sub: PLAYER, name: "Ada", iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: now + 60 });
    const none = `${part({ alg: "none" })}.${body}.`;
    const hs512Head = part({ alg: "HS512" });
    const hs512 = `${hs512Head}.${body}.${createHmac("sha512", SECRET).update(`${hs512Head}.${body}`).digest("base64url")}`;
    // the right HMAC under a header that names another algorithm
    const liarHead = part({ alg: "HS384" });
    const liar = `${liarHead}.${body}.${createHmac("sha256", SECRET).update(`${liarHead}.${body}`).digest("base64url")}`;
    // an extension the verifier does not know must be refused (RFC 7515 `crit`)
    const critHead = part({ alg: "HS256", crit: ["ext"], ext: 1 });
    const crit = `${critHead}.${body}.${createHmac("sha256", SECRET).update(`${critHead}.${body}`).digest("base64url")}`;
    for (const token of [none, hs512, liar, crit]) assert.equal(await refusal(tokens, token), "invalid", token);
    const honestHead = part({ alg: "HS256" });
    const honest = `${honestHead}.${body}.${createHmac("sha256", SECRET).update(`${honestHead}.${body}`).digest("base64url")}`;
    assert.equal(await refusal(tokens, honest), "accepted");
  });
});
