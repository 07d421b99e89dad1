/** The war's own table: each faction's final standing. */
import { asc, eq, sql } from "drizzle-orm";
import { integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { ModeTable } from "../../kit/mode-table.js";
import { batchJson } from "../../persistence/batch-json.js";
import { matches } from "../../persistence/schema.js";

/** Final standing of each faction in a war match. */
export const factionStandings = pgTable(
  "faction_standings",
  {
    matchId: uuid("match_id")
      .notNull()
      .references(() => matches.id, { onDelete: "cascade" }),
    faction: text("faction").notNull(),
    placement: integer("placement").notNull(),
    score: integer("score").notNull(),
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
  },
  (table) => [primaryKey({ columns: [table.matchId, table.faction] })],
);


const FactionStandingRow = z.object({
  faction: z.string().min(1),
  placement: z.number().int().min(1),
  score: z.number().int(),
  details: z.record(z.string(), z.unknown()),
});
type FactionStandingRow = z.infer<typeof FactionStandingRow>;

export const factionStandingsTable: ModeTable<FactionStandingRow> = {
  name: "faction_standings",
  row: FactionStandingRow,
  async write(tx, rows) {
    await tx.execute(sql`
      insert into ${factionStandings} (match_id, faction, placement, score, details)
      select match_id, faction, placement, score, details::jsonb
      from json_to_recordset(${batchJson(
        rows.map((f) => ({ match_id: f.matchId, faction: f.faction, placement: f.placement, score: f.score, details: f.details })),
      )}) as x(match_id uuid, faction text, placement int, score int, details text)`);
  },
  async read(db, matchId) {
    const rows = await db.select().from(factionStandings).where(eq(factionStandings.matchId, matchId)).orderBy(asc(factionStandings.placement));
    return rows.map(({ faction, placement, score, details }) => ({ faction, placement, score, details }));
  },
};
