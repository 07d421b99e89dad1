import type { ChoiceQuestion, NumberQuestion, QuizQuestion } from "@arena/shared/modes/quiz/questions";

export function choiceQuestion(id: string, correctIndex = 1, category = "test"): ChoiceQuestion {
  return { id, category, kind: "choice", prompt: `question ${id}?`, options: ["a", "b", "c", "d"], correctIndex };
}

export function numberQuestion(id: string, target = 1969, minValue = 1900, maxValue = 2000, category = "test"): NumberQuestion {
  return { id, category, kind: "number", prompt: `year of ${id}?`, target, minValue, maxValue };
}

/** A bank with `[choice, number]` questions per category; targets and answers vary with the index. */
export function syntheticBank(counts: Record<string, [number, number]>): QuizQuestion[] {
  return Object.entries(counts).flatMap(([category, [choices, numbers]]) => [
    ...Array.from({ length: choices }, (_, i) => choiceQuestion(`${category}-c${i}`, i % 4, category)),
    ...Array.from({ length: numbers }, (_, i) => numberQuestion(`${category}-n${i}`, 1900 + i * 7, 1800, 2100, category)),
  ]);
}
