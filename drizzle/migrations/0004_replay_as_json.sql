-- A replay (the input log of a match, several KB) is written once and read whole, never queried
-- into: stored as checked json text it costs a fraction of parsing it into jsonb, which was most
-- of the time a match result took to write.
ALTER TABLE "matches" ALTER COLUMN "replay" SET DATA TYPE json USING "replay"::json;--> statement-breakpoint
-- TOAST compression: pglz cost about three times what lz4 does for the same size. Builds of
-- PostgreSQL without lz4 (and the embedded PGlite) keep the default.
DO $$
BEGIN
  ALTER TABLE "matches" ALTER COLUMN "replay" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'lz4 is not available in this PostgreSQL build: replays stay on pglz';
END
$$;
