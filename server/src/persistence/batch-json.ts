import { sql } from "drizzle-orm";

/**
 * One JSON parameter holding a batch of rows. `json`, not `jsonb`: json_to_recordset only checks the
 * text and hands each field to its column type once, where jsonb would parse the whole batch first.
 * Nested JSON fields are declared `text` in the record and cast in the select: json_to_recordset
 * converting a large value straight to a jsonb field took several times as long (measured).
 */
export function batchJson(rows: readonly object[]) {
  return sql`${JSON.stringify(rows)}::json`;
}

/** Rows of a raw query, whichever driver ran it (postgres.js gives an array, PGlite `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
