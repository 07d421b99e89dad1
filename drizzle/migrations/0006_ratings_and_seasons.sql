CREATE TABLE "player_ratings" (
	"player_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"season" text NOT NULL,
	"mu" double precision NOT NULL,
	"sigma" double precision NOT NULL,
	"ordinal" double precision NOT NULL,
	"matches" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "player_ratings_player_id_mode_season_pk" PRIMARY KEY("player_id","mode","season")
);
--> statement-breakpoint
CREATE TABLE "rating_changes" (
	"match_id" uuid NOT NULL,
	"player_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"season" text NOT NULL,
	"team" text,
	"mu_before" double precision NOT NULL,
	"sigma_before" double precision NOT NULL,
	"mu_after" double precision NOT NULL,
	"sigma_after" double precision NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rating_changes_match_id_player_id_pk" PRIMARY KEY("match_id","player_id")
);
--> statement-breakpoint
CREATE TABLE "seasons" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "player_stats_mode_total_idx";--> statement-breakpoint
DROP INDEX "player_stats_mode_best_idx";--> statement-breakpoint
DROP INDEX "player_stats_mode_wins_idx";--> statement-breakpoint
ALTER TABLE "player_stats" ADD COLUMN "season" text DEFAULT 's1' NOT NULL;--> statement-breakpoint
ALTER TABLE "player_stats" DROP CONSTRAINT "player_stats_player_id_mode_pk";--> statement-breakpoint
ALTER TABLE "player_stats" ADD CONSTRAINT "player_stats_player_id_mode_season_pk" PRIMARY KEY("player_id","mode","season");--> statement-breakpoint
ALTER TABLE "player_ratings" ADD CONSTRAINT "player_ratings_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_changes" ADD CONSTRAINT "rating_changes_match_id_matches_id_fk" FOREIGN KEY ("match_id") REFERENCES "public"."matches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_changes" ADD CONSTRAINT "rating_changes_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "player_ratings_board_idx" ON "player_ratings" USING btree ("mode","season","ordinal" DESC NULLS LAST,"player_id");--> statement-breakpoint
CREATE INDEX "rating_changes_player_idx" ON "rating_changes" USING btree ("player_id","mode","ended_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "player_stats_mode_total_idx" ON "player_stats" USING btree ("mode","season","total_score" DESC NULLS LAST,"player_id");--> statement-breakpoint
CREATE INDEX "player_stats_mode_best_idx" ON "player_stats" USING btree ("mode","season","best_score" DESC NULLS LAST,"player_id");--> statement-breakpoint
CREATE INDEX "player_stats_mode_wins_idx" ON "player_stats" USING btree ("mode","season","wins" DESC NULLS LAST,"player_id");--> statement-breakpoint
-- results stored before seasons existed count for the first season
INSERT INTO "seasons" ("id") VALUES ('s1') ON CONFLICT DO NOTHING;