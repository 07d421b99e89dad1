import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NotEnoughQuestionsError, publicQuestion, selectQuestions, type QuizQuestion } from "@arena/shared/modes/quiz/questions";
import { parseQuestionRow, type QuestionRow } from "../../src/modes/quiz/question-bank.js";
import { syntheticBank } from "../support/quiz-fixtures.js";

const bank = syntheticBank({ geography: [6, 6], science: [5, 5], sport: [2, 1] });

describe("quiz question selection (seeded, pure)", () => {
  it("gives the same questions in the same order for the same seed, whatever the bank's order", () => {
    const request = { seed: 1234, rounds: 8, category: "any" };
    const a = selectQuestions(bank, request);
    const b = selectQuestions([...bank].reverse(), request);
    assert.deepEqual(
      a.map((q) => q.id),
      b.map((q) => q.id),
    );
  });

  it("gives a different set or order for different seeds", () => {
    const picks = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      picks.add(selectQuestions(bank, { seed, rounds: 8, category: "any" }).map((q) => q.id).join(","));
    }
    assert.ok(picks.size >= 19, `only ${picks.size} distinct selections for 20 seeds`);
  });

  it("never repeats a question, for every seed and count up to the whole pool", () => {
    for (let seed = 0; seed < 200; seed++) {
      const rounds = 3 + (seed % 18);
      const ids = selectQuestions(bank, { seed, rounds, category: "any" }).map((q) => q.id);
      assert.equal(ids.length, rounds);
      assert.equal(new Set(ids).size, rounds, `seed ${seed} repeated a question`);
    }
    const all = selectQuestions(bank, { seed: 9, rounds: 12, category: "geography" });
    assert.equal(new Set(all.map((q) => q.id)).size, 12);
  });

  it("respects the category and the count", () => {
    for (let seed = 0; seed < 50; seed++) {
      const picked = selectQuestions(bank, { seed, rounds: 5, category: "science" });
      assert.equal(picked.length, 5);
      assert.ok(picked.every((q) => q.category === "science"));
    }
  });

  it("mixes both kinds about half and half when the pool allows it", () => {
    for (let seed = 0; seed < 100; seed++) {
      const picked = selectQuestions(bank, { seed, rounds: 5, category: "any" });
      const numbers = picked.filter((q) => q.kind === "number").length;
      assert.ok(numbers === 2 || numbers === 3, `seed ${seed}: ${numbers} number questions of 5`);
    }
    // sport has 2 choice and 1 number question: all three come out
    const sport = selectQuestions(bank, { seed: 3, rounds: 3, category: "sport" });
    assert.deepEqual(sport.map((q) => q.kind).sort(), ["choice", "choice", "number"]);
  });

  it("refuses a category with fewer questions than rounds", () => {
    assert.throws(() => selectQuestions(bank, { seed: 1, rounds: 4, category: "sport" }), NotEnoughQuestionsError);
    assert.throws(() => selectQuestions(bank, { seed: 1, rounds: 3, category: "astrology" }), /category "astrology" has 0/);
  });
});

describe("quiz question rows and the public view", () => {
  const row = (overrides: Partial<QuestionRow>): QuestionRow => ({
    id: "q",
    category: "science",
    kind: "choice",
    prompt: "Which?",
    options: ["a", "b", "c"],
    correctIndex: 1,
    target: null,
    minValue: null,
    maxValue: null,
    ...overrides,
  });
  const numberRow = (overrides: Partial<QuestionRow>) =>
    row({ kind: "number", options: null, correctIndex: null, target: 10, minValue: 0, maxValue: 100, ...overrides });

  it("accepts well-formed choice and number rows", () => {
    assert.deepEqual(parseQuestionRow(row({})), {
      ok: true,
      question: { id: "q", category: "science", prompt: "Which?", kind: "choice", options: ["a", "b", "c"], correctIndex: 1 },
    });
    assert.equal(parseQuestionRow(numberRow({})).ok, true);
  });

  it("rejects rows a round could not be played with", () => {
    const bad: QuestionRow[] = [
      row({ options: ["only one"] }),
      row({ options: "a,b" }),
      row({ options: ["a", ""] }),
      row({ correctIndex: 3 }),
      row({ correctIndex: null }),
      row({ prompt: "  " }),
      row({ kind: "essay" }),
      numberRow({ target: null }),
      numberRow({ minValue: 100, maxValue: 0 }),
      numberRow({ target: 101 }),
      numberRow({ maxValue: Number.POSITIVE_INFINITY }),
    ];
    for (const candidate of bad) assert.equal(parseQuestionRow(candidate).ok, false, JSON.stringify(candidate));
  });

  it("leaves the correct index and the target out of what clients see", () => {
    for (const question of bank) {
      const view = publicQuestion(question);
      assert.deepEqual(Object.keys(view).sort(), ["category", "id", "kind", "maxValue", "minValue", "options", "prompt"]);
      const hidden: QuizQuestion = question;
      if (hidden.kind === "number") assert.ok(!Object.values(view).includes(hidden.target));
    }
  });
});
