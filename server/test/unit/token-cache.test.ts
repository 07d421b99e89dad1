import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenService, bearerToken } from "../../src/auth/tokens.js";

const SECRET = "token-cache-test-secret-0123456789abcdef";

describe("TokenService's cache of verified tokens", () => {
  it("lets a token go once it is unused for CACHE_IDLE_MS, and keeps one in use", async () => {
    let now = Date.now();
    const service = new TokenService(SECRET, 86_400, () => now);
    const tokens = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await service.issue(`p${i}`)).token));
    // each from a header, as the server gets them (a slice of `Bearer ...`)
    for (const token of tokens) await service.verify(bearerToken(`Bearer ${token}`));
    assert.equal(service.cacheSize, 20);

    now += TokenService.CACHE_IDLE_MS / 2;
    await service.verify(tokens[0]); // still in use: stays
    now += TokenService.CACHE_IDLE_MS / 2 + 1;
    const fresh = (await service.issue("late")).token;
    const claims = await service.verify(fresh);
    assert.equal(claims.displayName, "late");
    // the 19 idle for a whole window are gone; the one used half-way and the new one stay
    assert.equal(service.cacheSize, 2);

    // an evicted token still verifies (from its signature), and is cached again
    assert.equal((await service.verify(tokens[5])).displayName, "p5");
    assert.equal(service.cacheSize, 3);
  });

  it("re-verifies a cached token after it was idle too long, instead of trusting the cache", async () => {
    let now = Date.now();
    const service = new TokenService(SECRET, 86_400, () => now);
    const { token } = await service.issue("solo");
    await service.verify(token);
    now += TokenService.CACHE_IDLE_MS + 1;
    assert.equal((await service.verify(token)).displayName, "solo");
    assert.equal(service.cacheSize, 1);
  });
});
