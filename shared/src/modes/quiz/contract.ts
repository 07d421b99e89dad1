import { schema, t, type SchemaType } from "@colyseus/schema";
import * as z from "zod/mini";
import { ErrorCode } from "../../kit/errors.js";
import { int, intWithDefault } from "../../kit/common.js";
import { defineContract, payload } from "../../kit/contract.js";
import { QUIZ_ROOM, QuizMessage, QuizServerMessage } from "./names.js";

export * from "./names.js";

/** Bounds of what a quiz can be created with. */
export const QUIZ_LIMITS = {
  minPlayers: 1,
  maxPlayers: 16,
  minRounds: 3,
  maxRounds: 20,
} as const;

/** The `category` option that draws questions from every category. */
export const QUIZ_ANY_CATEGORY = "any" as const;

/** Options a client may pass to join or create a quiz. Unknown keys are dropped. */
export const QuizJoinOptions = z
  .object({
    /** The quiz starts (after a short join window) once this many players are in. */
    minPlayers: intWithDefault(QUIZ_LIMITS.minPlayers, QUIZ_LIMITS.maxPlayers, 2),
    /** The quiz starts at once when this many players are in. */
    maxPlayers: intWithDefault(QUIZ_LIMITS.minPlayers, QUIZ_LIMITS.maxPlayers, 8),
    rounds: intWithDefault(QUIZ_LIMITS.minRounds, QUIZ_LIMITS.maxRounds, 5),
    /** A question category (e.g. "geography"), or "any" for a mix of all categories. */
    category: z._default(
      z.string().check(z.trim(), z.toLowerCase(), z.regex(/^[a-z][a-z0-9_-]{0,31}$/, "category must be a lowercase word such as geography")),
      QUIZ_ANY_CATEGORY,
    ),
  })
  .check(z.refine((options) => options.minPlayers <= options.maxPlayers, { error: "minPlayers must not exceed maxPlayers", path: ["minPlayers"] }));
/** What a client sends (defaults optional). */
export type QuizJoinOptionsInput = z.input<typeof QuizJoinOptions>;
/** What the server works with after validation. */
export type QuizJoinOptions = z.output<typeof QuizJoinOptions>;

/**
 * One answer. `round` names the round it is meant for, so an answer that arrives after its
 * round closed is refused instead of landing in the next one.
 */
export const QuizAnswer = z.strictObject({
  round: int(1, QUIZ_LIMITS.maxRounds),
  /** Choice questions: the option index. Number questions: the picked number, inside the range. */
  answer: z.number(),
});
export type QuizAnswer = z.output<typeof QuizAnswer>;

export const QuizQuestionKind = z.enum(["choice", "number"]);
export type QuizQuestionKind = z.output<typeof QuizQuestionKind>;

/**
 * waiting_for_players → players_joining (join window) → question ⇄ reveal (per round) → finished.
 * `players_joining` falls back to `waiting_for_players` when players leave below the minimum.
 */
export const QuizStatus = z.enum(["waiting_for_players", "players_joining", "question", "reveal", "finished"]);
export type QuizStatus = z.output<typeof QuizStatus>;

/**
 * The current question as clients see it. While the answer window is open only the public fields
 * are set; `revealed`, `correctIndex` and `target` are filled when the round closes.
 */
export const QuizQuestionView = schema(
  {
    id: t.string().default(""),
    category: t.string().default(""),
    kind: t.string().default(""),
    prompt: t.string().default(""),
    /** Choice questions: the options, answered by index. */
    options: t.array("string"),
    /** Number questions: the range answers must fall in (float64: exact years, distances, decimals). */
    minValue: t.float64().default(0),
    maxValue: t.float64().default(0),
    revealed: t.boolean().default(false),
    /** Choice questions, after the round closed: the correct option; −1 before. */
    correctIndex: t.int8().default(-1),
    /** Number questions, after the round closed: the target; 0 before. */
    target: t.float64().default(0),
  },
  "QuizQuestionView",
);
export type QuizQuestionView = SchemaType<typeof QuizQuestionView>;

export const QuizPlayer = schema(
  {
    name: t.string().default(""),
    score: t.uint32().default(0),
    /** Correct choice answers plus won number rounds. */
    correctAnswers: t.uint8().default(0),
    /** Whether this player answered the current round (never what they answered, until the reveal). */
    answered: t.boolean().default(false),
    /** Points of the last closed round (0 while a round is open). */
    roundPoints: t.uint16().default(0),
    roundCorrect: t.boolean().default(false),
    /** 1-based final placement, set when the quiz ends; ties share a placement. */
    placement: t.uint8().default(0),
    connected: t.boolean().default(true),
    /** Left mid-quiz: keeps the points earned, answers nothing more. */
    left: t.boolean().default(false),
  },
  "QuizPlayer",
);
export type QuizPlayer = SchemaType<typeof QuizPlayer>;

export const QuizState = schema(
  {
    status: t.string().default("waiting_for_players"),
    minPlayers: t.uint8().default(0),
    maxPlayers: t.uint8().default(0),
    totalRounds: t.uint8().default(0),
    category: t.string().default(QUIZ_ANY_CATEGORY),
    /** 1-based number of the current (or last) round; 0 before the first. */
    round: t.uint8().default(0),
    /** Milliseconds left in the join window, the answer window or the reveal (0 otherwise). */
    countdownMs: t.uint32().default(0),
    question: t.ref(QuizQuestionView).default(() => new QuizQuestionView()),
    /** Players by session id. */
    players: t.map(QuizPlayer),
  },
  "QuizState",
);
export type QuizState = SchemaType<typeof QuizState>;

/** One player's outcome in a closed round. */
export interface QuizRoundAnswer {
  sessionId: string;
  name: string;
  answer: number;
  correct: boolean;
  /** Server-measured time from the round opening to the answer's arrival. */
  responseTimeMs: number;
  points: number;
}

/** Payload of the `round_result` message, sent when a round closes. */
export interface QuizRoundResultPayload {
  round: number;
  questionId: string;
  kind: QuizQuestionKind;
  /** Choice rounds: the correct option index; null for number rounds. */
  correctIndex: number | null;
  /** Number rounds: the hidden target; null for choice rounds. */
  target: number | null;
  /** Number rounds: the closest answer (earliest on a tie); null if nobody answered or for choice rounds. */
  winnerSessionId: string | null;
  /** In the order the server received them. */
  answers: QuizRoundAnswer[];
}

/** One row of the final standings. */
export interface QuizStanding {
  sessionId: string;
  playerId: string;
  name: string;
  /** 1-based; equal scores share a placement. */
  placement: number;
  score: number;
  correctAnswers: number;
  left: boolean;
}

/** Payload of the `finished` message. */
export interface QuizFinishedPayload {
  matchId: string;
  /** "aborted" when every player left, or a drain stopped the quiz, before its last round. */
  status: "completed" | "aborted";
  roundsPlayed: number;
  standings: QuizStanding[];
}

/** Payload of the `question` message: what `state.question` shows while the round is open. */
export interface QuizQuestionPayload {
  round: number;
  id: string;
  category: string;
  kind: "choice" | "number";
  prompt: string;
  options: string[];
  minValue: number;
  maxValue: number;
  answerWindowMs: number;
}

/** The quiz's wire contract. */
export const quiz = defineContract({
  name: QUIZ_ROOM,
  options: QuizJoinOptions,
  messages: { [QuizMessage.Answer]: QuizAnswer },
  events: {
    [QuizServerMessage.Question]: payload<QuizQuestionPayload>(),
    [QuizServerMessage.RoundResult]: payload<QuizRoundResultPayload>(),
    [QuizServerMessage.Finished]: payload<QuizFinishedPayload>(),
  },
  state: QuizState,
  playersField: "players",
  errors: [ErrorCode.WrongPhase, ErrorCode.NotParticipant, ErrorCode.WrongRound, ErrorCode.LateAnswer, ErrorCode.DuplicateAnswer],
});
