import { randomBytes, randomUUID, webcrypto } from "node:crypto";
import { SignJWT, jwtVerify, errors } from "jose";

/** Who a verified token says the caller is. */
export interface PlayerClaims {
  playerId: string;
  displayName: string;
}

export const TOKEN_ISSUER = "arena";
export const TOKEN_AUDIENCE = "arena-game";

export class TokenError extends Error {
  constructor(
    readonly reason: "missing" | "expired" | "invalid",
    message: string,
  ) {
    super(message);
    this.name = "TokenError";
  }
}

/** Signs and verifies player tokens (JWT, HS256) with one secret shared by every node. */
export class TokenService {
  /** Imported once: handing jose the raw secret makes it import the key on every sign and verify (half their cost). */
  private readonly key: Promise<webcrypto.CryptoKey>;
  /** Tokens already verified (a player matchmakes many times with one token): token → claims and expiry. */
  private readonly verified = new Map<string, { claims: PlayerClaims; expiresAt: number }>();
  private static readonly CACHE_LIMIT = 50_000;

  constructor(
    secret: string | undefined,
    private readonly ttlSeconds: number,
  ) {
    // without a configured secret (development only) tokens verify on this process alone
    const raw = new TextEncoder().encode(secret ?? randomBytes(48).toString("base64url"));
    this.key = webcrypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  }

  /** Issues a token for a new guest (fresh id) or a returning one (their id). */
  async issue(displayName: string, playerId: string = randomUUID()): Promise<{ token: string; playerId: string; expiresAt: string }> {
    const now = Math.floor(Date.now() / 1000);
    const expires = now + this.ttlSeconds;
    const token = await new SignJWT({ name: displayName, kind: "guest" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(playerId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(expires)
      .sign(await this.key);
    return { token, playerId, expiresAt: new Date(expires * 1000).toISOString() };
  }

  async verify(token: string | null | undefined): Promise<PlayerClaims> {
    if (!token) throw new TokenError("missing", "a player token is required (POST /auth/guest)");
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expiresAt > Date.now()) return cached.claims;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: ["HS256"],
        requiredClaims: ["sub", "exp"],
      });
      const name = payload.name;
      if (typeof payload.sub !== "string" || !/^[0-9a-f-]{36}$/i.test(payload.sub) || typeof name !== "string") {
        throw new TokenError("invalid", "token lacks a player id or name");
      }
      const claims = { playerId: payload.sub, displayName: name };
      if (this.verified.size >= TokenService.CACHE_LIMIT) this.verified.clear();
      this.verified.set(token, { claims, expiresAt: (payload.exp as number) * 1000 });
      return claims;
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError("expired", "token expired");
      throw new TokenError("invalid", "token is not valid for this server");
    }
  }
}

/** The token of an `Authorization: Bearer <token>` header (where Colyseus' auth context reads it too). */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
}
