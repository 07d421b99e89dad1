import { defineConfig } from "drizzle-kit";

// Generates SQL migrations from the drizzle schema; the server applies them at start-up
// (the same files for PostgreSQL and the embedded PGlite).
export default defineConfig({
  dialect: "postgresql",
  schema: ["./server/src/persistence/schema.ts", "./server/src/modes/*/tables.ts"],
  out: "./drizzle/migrations",
});
