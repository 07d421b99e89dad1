import type { IncomingMessage } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { ErrorCode, type HttpErrorBody } from "@arena/shared";
import { bearerToken } from "../auth/tokens.js";

/** CORS: configured origins get their origin back; without a list, any origin without credentials. */
export class CorsPolicy {
  constructor(private readonly origins: readonly string[] | undefined) {}

  /** Headers sent on every response (Colyseus' defaults reflect any origin with credentials: not ours). */
  static readonly baseHeaders = {
    "Access-Control-Allow-Headers": "Origin, X-Requested-With, Content-Type, Accept, Authorization",
    "Access-Control-Allow-Methods": "GET,HEAD,POST,OPTIONS",
    "Access-Control-Expose-Headers": "Retry-After",
    "Access-Control-Max-Age": "600",
  };

  headersFor(origin: string | null | undefined): Record<string, string> {
    if (!this.origins) return { "Access-Control-Allow-Origin": "*" };
    if (origin && this.origins.includes(origin)) return { "Access-Control-Allow-Origin": origin, Vary: "Origin" };
    return { Vary: "Origin" };
  }
}

/** The client's IP: the socket's, or the first X-Forwarded-For / X-Real-IP hop when behind a trusted proxy. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    const real = req.headers["x-real-ip"];
    const candidate = first || (Array.isArray(real) ? real[0] : real);
    if (candidate) return candidate;
  }
  return req.socket.remoteAddress ?? "unknown";
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Admin gate: `Authorization: Bearer <ADMIN_TOKEN>`, or HTTP Basic with any user and the token as
 * password (so a browser can open the monitor).
 */
export function requireAdmin(adminToken: string): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? "";
    let presented = bearerToken(header) ?? "";
    if (header.startsWith("Basic ")) {
      const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
      presented = decoded.slice(decoded.indexOf(":") + 1);
    }
    if (presented && safeEqual(presented, adminToken)) {
      next();
      return;
    }
    res.setHeader("WWW-Authenticate", 'Basic realm="arena admin"');
    const body: HttpErrorBody = { code: ErrorCode.Unauthorized, message: "admin credential required" };
    res.status(401).json(body);
  };
}
