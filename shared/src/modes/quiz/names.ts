/** The quiz's names on the wire, import-free so a load script can bundle them alone. */

/** Room name of the quiz mode. */
export const QUIZ_ROOM = "quiz" as const;

/** Client → server message types of a quiz room. */
export const QuizMessage = {
  /** An answer to the open round: an option index (choice) or a number in the question's range. */
  Answer: "answer",
} as const;

/** Server → client message types of a quiz room (besides the shared `error`). */
export const QuizServerMessage = {
  /** Sent to everyone when a round opens: the question's public fields (never the answer). */
  Question: "question",
  /** Sent to everyone when a round closes: the correct answer and every player's outcome. */
  RoundResult: "round_result",
  /** Sent once when the quiz ends: the final standings. */
  Finished: "finished",
} as const;
