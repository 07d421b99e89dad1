/** JSON reads of the server's HTTP routes: the body, or an ArenaError with the route's stable code. */
import { ArenaError, ErrorCode, type HttpErrorBody } from "@arena/client-sdk";

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path);
  const body = (await response.json().catch(() => ({}))) as T | Partial<HttpErrorBody>;
  if (!response.ok) {
    const error = body as Partial<HttpErrorBody>;
    throw new ArenaError(error.code ?? ErrorCode.Internal, error.message ?? `HTTP ${response.status}`, response.status);
  }
  return body as T;
}
