/**
 * A table of a mode's own (a quiz's answers, a war's faction standings): how the results store
 * writes its rows in the match's transaction, and how `GET /matches/:id` reads them back.
 */
import type { z } from "zod";
import type { Db, Tx } from "../persistence/database.js";

export interface ModeTable<Row extends Record<string, unknown> = Record<string, unknown>> {
  /** Table name; the outcome's rows for this table come under this key. */
  name: string;
  /** Checks each row before anything is written. */
  row: z.ZodType<Row>;
  /** Inserts the rows of a batch of newly written matches, in the batch's transaction. */
  write(tx: Tx, rows: ReadonlyArray<Row & { matchId: string }>): Promise<void>;
  /** The rows of one match, for `GET /matches/:id`. */
  read(db: Db, matchId: string): Promise<Array<Record<string, unknown>>>;
}
