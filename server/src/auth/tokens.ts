import { createHmac, createSecretKey, randomBytes, randomUUID, timingSafeEqual, webcrypto, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";

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
  /** Imported once: handing jose the raw secret makes it import the key on every sign (half its cost). */
  private readonly key: Promise<webcrypto.CryptoKey>;
  /** The secret for verifying, a key object made once (node:crypto's HMAC on the calling thread, see verifyHs256). */
  private readonly secret: KeyObject;
  /**
   * Tokens already verified (a player matchmakes many times with one token): token → claims, expiry
   * and last use, least recently used first. An entry goes once unused for CACHE_IDLE_MS: kept for
   * the token's whole lifetime (a day), every guest that ever joined stayed in the heap (the soak's
   * 11 MB an hour per node; each key also holds its whole `Bearer ...` header, being a slice of it).
   */
  private readonly verified = new Map<string, { claims: PlayerClaims; expiresAt: number; usedAt: number }>();
  private static readonly CACHE_LIMIT = 50_000;
  static readonly CACHE_IDLE_MS = 10 * 60_000;

  constructor(
    secret: string | undefined,
    private readonly ttlSeconds: number,
    /** The clock of the cache (tests move it). */
    private readonly now: () => number = Date.now,
  ) {
    // without a configured secret (development only) tokens verify on this process alone
    const raw = new TextEncoder().encode(secret ?? randomBytes(48).toString("base64url"));
    this.secret = createSecretKey(raw);
    this.key = webcrypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
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
    const now = this.now();
    const cached = this.verified.get(token);
    if (cached) {
      this.verified.delete(token);
      if (cached.expiresAt > now && now - cached.usedAt < TokenService.CACHE_IDLE_MS) {
        // re-inserted: the map's order stays least recently used first
        this.verified.set(token, { ...cached, usedAt: now });
        return cached.claims;
      }
    }
    const payload = verifyHs256(token, this.secret);
    const name = payload.name;
    if (typeof payload.sub !== "string" || !/^[0-9a-f-]{36}$/i.test(payload.sub) || typeof name !== "string") {
      throw new TokenError("invalid", "token lacks a player id or name");
    }
    const claims = { playerId: payload.sub, displayName: name };
    this.evict(now);
    this.verified.set(token, { claims, expiresAt: payload.exp * 1000, usedAt: now });
    return claims;
  }

  /** Tokens cached now. */
  get cacheSize(): number {
    return this.verified.size;
  }

  /** Drops the entries unused for CACHE_IDLE_MS, and the least recently used beyond CACHE_LIMIT. */
  private evict(now: number): void {
    for (const [token, entry] of this.verified) {
      if (now - entry.usedAt < TokenService.CACHE_IDLE_MS && this.verified.size < TokenService.CACHE_LIMIT) break;
      this.verified.delete(token);
    }
  }
}

const INVALID = "token is not valid for this server";

function decodeJsonPart(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw new TokenError("invalid", INVALID);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TokenError("invalid", INVALID);
  return value as Record<string, unknown>;
}

/**
 * Verifies a compact HS256 JWT as jose's `jwtVerify` did with our options (algorithm HS256 only,
 * no `crit` extensions, issuer, audience, required `sub` and `exp`, `nbf` and `iat` checked when
 * present, no clock tolerance), with node:crypto's HMAC on this thread: WebCrypto's verify queues a
 * job on the thread pool and costs 5–10 times more CPU per token than the HMAC itself (issue 17).
 */
export function verifyHs256(token: string, secret: KeyObject): Record<string, unknown> & { exp: number } {
  const parts = token.split(".");
  if (parts.length !== 3) throw new TokenError("invalid", INVALID);
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected) || given.toString("base64url") !== signature) {
    throw new TokenError("invalid", INVALID);
  }
  const protectedHeader = decodeJsonPart(header);
  if (protectedHeader.alg !== "HS256" || protectedHeader.crit !== undefined) throw new TokenError("invalid", INVALID);
  const claims = decodeJsonPart(payload);
  const now = Math.floor(Date.now() / 1000);
  const { iss, aud, exp, nbf, iat, sub } = claims;
  if (iss !== TOKEN_ISSUER) throw new TokenError("invalid", INVALID);
  if (!(aud === TOKEN_AUDIENCE || (Array.isArray(aud) && aud.includes(TOKEN_AUDIENCE)))) throw new TokenError("invalid", INVALID);
  if (sub === undefined || typeof exp !== "number") throw new TokenError("invalid", INVALID);
  if (iat !== undefined && typeof iat !== "number") throw new TokenError("invalid", INVALID);
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > now)) throw new TokenError("invalid", INVALID);
  if (exp <= now) throw new TokenError("expired", "token expired");
  return claims as Record<string, unknown> & { exp: number };
}

/** The token of an `Authorization: Bearer <token>` header (where Colyseus' auth context reads it too). */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
}
