CREATE TABLE "player_stats" (
	"player_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"display_name" text NOT NULL,
	"matches" integer DEFAULT 0 NOT NULL,
	"wins" integer DEFAULT 0 NOT NULL,
	"total_score" bigint DEFAULT 0 NOT NULL,
	"best_score" integer DEFAULT 0 NOT NULL,
	"last_played_at" timestamp with time zone NOT NULL,
	CONSTRAINT "player_stats_player_id_mode_pk" PRIMARY KEY("player_id","mode")
);
--> statement-breakpoint
ALTER TABLE "player_stats" ADD CONSTRAINT "player_stats_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "player_stats_mode_total_idx" ON "player_stats" USING btree ("mode","total_score" DESC NULLS LAST,"player_id");--> statement-breakpoint
CREATE INDEX "player_stats_mode_best_idx" ON "player_stats" USING btree ("mode","best_score" DESC NULLS LAST,"player_id");--> statement-breakpoint
CREATE INDEX "player_stats_mode_wins_idx" ON "player_stats" USING btree ("mode","wins" DESC NULLS LAST,"player_id");--> statement-breakpoint
CREATE INDEX "players_reputation_idx" ON "players" USING btree ("reputation" DESC NULLS LAST,"id");--> statement-breakpoint
-- backfill the totals from matches stored before this table existed
INSERT INTO "player_stats" ("player_id", "mode", "display_name", "matches", "wins", "total_score", "best_score", "last_played_at")
SELECT mp."player_id", mp."mode", (array_agg(mp."display_name" ORDER BY mp."ended_at" DESC))[1], count(*), count(*) FILTER (WHERE mp."placement" = 1), sum(mp."score"), max(mp."score"), max(mp."ended_at")
FROM "match_participants" mp JOIN "matches" m ON m."id" = mp."match_id"
WHERE m."status" = 'completed' AND NOT mp."is_bot"
GROUP BY mp."player_id", mp."mode"
ON CONFLICT DO NOTHING;
