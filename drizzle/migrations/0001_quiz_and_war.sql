CREATE TABLE "faction_standings" (
	"match_id" uuid NOT NULL,
	"faction" text NOT NULL,
	"placement" integer NOT NULL,
	"score" integer NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "faction_standings_match_id_faction_pk" PRIMARY KEY("match_id","faction")
);
--> statement-breakpoint
CREATE TABLE "quiz_answers" (
	"match_id" uuid NOT NULL,
	"player_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"question_id" text NOT NULL,
	"answer" double precision NOT NULL,
	"correct" boolean NOT NULL,
	"response_time_ms" integer NOT NULL,
	"points" integer NOT NULL,
	CONSTRAINT "quiz_answers_match_id_player_id_round_pk" PRIMARY KEY("match_id","player_id","round")
);
--> statement-breakpoint
CREATE TABLE "quiz_questions" (
	"id" text PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"kind" text NOT NULL,
	"prompt" text NOT NULL,
	"options" jsonb,
	"correct_index" integer,
	"target" double precision,
	"min_value" double precision,
	"max_value" double precision,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
ALTER TABLE "faction_standings" ADD CONSTRAINT "faction_standings_match_id_matches_id_fk" FOREIGN KEY ("match_id") REFERENCES "public"."matches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quiz_answers" ADD CONSTRAINT "quiz_answers_match_id_matches_id_fk" FOREIGN KEY ("match_id") REFERENCES "public"."matches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quiz_answers" ADD CONSTRAINT "quiz_answers_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quiz_answers" ADD CONSTRAINT "quiz_answers_question_id_quiz_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."quiz_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "quiz_answers_question_idx" ON "quiz_answers" USING btree ("question_id");--> statement-breakpoint
CREATE INDEX "quiz_questions_category_idx" ON "quiz_questions" USING btree ("category","kind");