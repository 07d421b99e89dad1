/**
 * Quiz questions as a match plays them (with the hidden answers), what clients may see of a
 * question, and the seeded choice of a match's questions. Pure: no I/O, no clock.
 */
import { Rng, deriveSeed } from "../../kit/random.js";
import { QUIZ_ANY_CATEGORY, type QuizQuestionKind } from "./contract.js";

interface QuestionBase {
  id: string;
  category: string;
  prompt: string;
}

/** One correct option among `options`. */
export interface ChoiceQuestion extends QuestionBase {
  kind: "choice";
  options: string[];
  /** Hidden until the round closes. */
  correctIndex: number;
}

/** Players pick a number in [minValue, maxValue]; the closest to `target` wins the round. */
export interface NumberQuestion extends QuestionBase {
  kind: "number";
  /** Hidden until the round closes. */
  target: number;
  minValue: number;
  maxValue: number;
}

export type QuizQuestion = ChoiceQuestion | NumberQuestion;

/** What clients see while a round is open: no correct index, no target. */
export interface PublicQuestion {
  id: string;
  category: string;
  kind: QuizQuestionKind;
  prompt: string;
  options: string[];
  minValue: number;
  maxValue: number;
}

/** The fields of a question that may reach clients before its round closes. */
export function publicQuestion(question: QuizQuestion): PublicQuestion {
  const { id, category, kind, prompt } = question;
  return question.kind === "choice"
    ? { id, category, kind, prompt, options: [...question.options], minValue: 0, maxValue: 0 }
    : { id, category, kind, prompt, options: [], minValue: question.minValue, maxValue: question.maxValue };
}

/** Why `value` is no answer to `question` (an option index, or a number inside the range), or undefined when it is one. */
export function answerMisfit(question: QuizQuestion, value: number): string | undefined {
  if (question.kind === "choice") {
    const last = question.options.length - 1;
    return Number.isInteger(value) && value >= 0 && value <= last ? undefined : `answer must be an option index 0..${last}`;
  }
  return value >= question.minValue && value <= question.maxValue
    ? undefined
    : `answer must be a number from ${question.minValue} to ${question.maxValue}`;
}

/** The hidden answer, revealed when the round closes. */
export function revealedAnswer(question: QuizQuestion): { correctIndex: number | null; target: number | null } {
  return question.kind === "choice"
    ? { correctIndex: question.correctIndex, target: null }
    : { correctIndex: null, target: question.target };
}

export class NotEnoughQuestionsError extends Error {
  constructor(
    readonly category: string,
    readonly available: number,
    readonly wanted: number,
  ) {
    const where = category === QUIZ_ANY_CATEGORY ? "the question bank" : `category "${category}"`;
    super(`${where} has ${available} questions; ${wanted} rounds need ${wanted} distinct questions`);
    this.name = "NotEnoughQuestionsError";
  }
}

export interface SelectionRequest {
  seed: number;
  rounds: number;
  /** A category, or "any". */
  category: string;
}

/**
 * Picks the questions of a match: `rounds` distinct questions of the category, the same ones in
 * the same order for the same seed and bank. Both kinds are mixed about half and half where the
 * bank allows, so a short quiz does not come out as choice questions only.
 * Throws NotEnoughQuestionsError when the category has fewer questions than rounds.
 */
export function selectQuestions(bank: readonly QuizQuestion[], request: SelectionRequest): QuizQuestion[] {
  const pool = bank
    .filter((q) => request.category === QUIZ_ANY_CATEGORY || q.category === request.category)
    // the bank's order (database order) must not matter
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const unique = pool.filter((q, i) => i === 0 || q.id !== pool[i - 1]!.id);
  if (unique.length < request.rounds) throw new NotEnoughQuestionsError(request.category, unique.length, request.rounds);

  const rng = new Rng(deriveSeed(request.seed, "quiz-questions"));
  const choices = rng.shuffle(unique.filter((q) => q.kind === "choice"));
  const numbers = rng.shuffle(unique.filter((q) => q.kind === "number"));
  // the odd round goes to a kind chosen by the seed; a kind that runs short leaves its rounds to the other
  const numberShare = rng.float() < 0.5 ? Math.floor(request.rounds / 2) : Math.ceil(request.rounds / 2);
  const numberCount = Math.min(numbers.length, Math.max(numberShare, request.rounds - choices.length));
  const picked = [...choices.slice(0, request.rounds - numberCount), ...numbers.slice(0, numberCount)];
  return rng.shuffle(picked);
}
