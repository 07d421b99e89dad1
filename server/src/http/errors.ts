import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { ErrorCode, describeIssues, type HttpErrorBody } from "@arena/shared";
import { safeParse, type $ZodType, type output } from "zod/v4/core";
import type { Logger } from "../observability/logger.js";

/** An HTTP failure with a stable code; the error handler turns it into `{ code, message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Parses request input with a zod schema or throws a 400 `INVALID_QUERY`. */
export function parseInput<S extends $ZodType>(schema: S, input: unknown, what: string): output<S> {
  const parsed = safeParse(schema, input);
  if (!parsed.success) throw new HttpError(400, ErrorCode.InvalidQuery, `${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Lets async handlers throw; Express 5 forwards rejected promises to the error handler. */
export function handle(fn: (req: Request, res: Response) => Promise<void> | void): RequestHandler {
  return async (req, res) => {
    await fn(req, res);
  };
}

export function sendError(res: Response, status: number, body: HttpErrorBody): void {
  res.status(status).json(body);
}

/** After every route: an unknown path or method answers `404 NOT_FOUND` in JSON, not Express' HTML page. */
export const notFound: RequestHandler = (req, res) => {
  sendError(res, 404, { code: ErrorCode.NotFound, message: `no route ${req.method} ${req.path}` });
};

/** Last handler: typed body for known errors, a bare 500 for the rest (details only in the log). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      sendError(res, error.status, { code: error.code, message: error.message });
      return;
    }
    // body-parser failures (malformed JSON, too large, bad charset) carry a status and a type
    const { status, type, limit } = error as { status?: unknown; type?: unknown; limit?: unknown };
    if (type === "entity.too.large") {
      sendError(res, 413, { code: ErrorCode.PayloadTooLarge, message: `the request body is over ${String(limit)} bytes` });
      return;
    }
    if (typeof status === "number" && status >= 400 && status < 500) {
      sendError(res, status, { code: ErrorCode.InvalidQuery, message: "malformed request body" });
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, "unhandled error in HTTP route");
    sendError(res, 500, { code: ErrorCode.Internal, message: "internal error" });
  };
}

/**
 * A failed matchmaking request in Colyseus' own shape, `{ code: <HTTP status>, error }`, which every
 * Colyseus SDK parses (the C# one as an int and a string); `error` starts with a stable code.
 */
export interface MatchmakeErrorBody {
  code: number;
  error: string;
}

/** The stable code behind each status a matchmaking call fails with (52x are Colyseus' own). */
const MATCHMAKE_CODES: Readonly<Record<number, ErrorCode>> = {
  400: ErrorCode.InvalidOptions,
  401: ErrorCode.Unauthorized,
  413: ErrorCode.PayloadTooLarge,
  429: ErrorCode.RateLimited,
  503: ErrorCode.Unavailable,
  520: ErrorCode.NotFound, // no such room type or method
  521: ErrorCode.NotFound, // no room matches the criteria
  522: ErrorCode.NotFound, // no such room id, or it is locked
  524: ErrorCode.Unavailable, // the seat reservation or reconnection token expired
  525: ErrorCode.Unauthorized,
};

const STABLE_PREFIX = /^[A-Z][A-Z_]+: /;

/** Status and body for a matchmaking failure: a thrown ServerError (numeric `code`) or a status and a detail. */
export function matchmakeError(error: unknown): { status: number; body: MatchmakeErrorBody } {
  const code = (error as { code?: unknown }).code;
  const status = typeof code === "number" && code >= 400 && code < 600 ? code : 500;
  const detail = error instanceof Error ? error.message : String(error);
  const stable = MATCHMAKE_CODES[status] ?? ErrorCode.Internal;
  return { status, body: { code: status, error: STABLE_PREFIX.test(detail) ? detail : `${stable}: ${detail}` } };
}
