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

/** Last handler: typed body for known errors, a bare 500 for the rest (details only in the log). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      sendError(res, error.status, { code: error.code, message: error.message });
      return;
    }
    // body-parser failures (malformed JSON, too large) carry a status
    const status = (error as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      sendError(res, status, { code: ErrorCode.InvalidQuery, message: "malformed request body" });
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, "unhandled error in HTTP route");
    sendError(res, 500, { code: ErrorCode.Internal, message: "internal error" });
  };
}
