import { ServerError } from "@colyseus/sdk";
import { ErrorCode } from "@arena/shared";

/** A failure from the server with a stable code (see `ErrorCode`) and, for HTTP failures, the status. */
export class ArenaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ArenaError";
  }

  /** Turns an SDK or HTTP error into an ArenaError; the server writes messages as `CODE: detail`. */
  static from(error: unknown): ArenaError {
    if (error instanceof ArenaError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const match = /^([A-Z][A-Z_]+):\s*(.*)$/s.exec(message);
    const status = error instanceof ServerError ? error.code : undefined;
    if (match) return new ArenaError(match[1] as string, match[2] as string, status);
    return new ArenaError(status === 525 ? ErrorCode.Unauthorized : ErrorCode.Internal, message, status);
  }
}
