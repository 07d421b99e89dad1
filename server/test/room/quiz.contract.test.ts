// first: the raw-frame recorder must load before the SDK (mode-contract imports it; the SDK must not come earlier)
import { modeContract } from "./support/mode-contract.js";
import { ErrorCode } from "@arena/shared";
import { selectQuestions } from "@arena/shared/modes/quiz/questions";
import type { QuizMatch, QuizSettings } from "@arena/shared/modes/quiz/rules";
import { syntheticBank } from "../support/quiz-fixtures.js";

const bank = syntheticBank({ geography: [4, 4], science: [3, 3] });

interface DecodedQuiz {
  status: string;
  round: number;
  question: { revealed: boolean; correctIndex: number; target: number };
  players: Record<string, { roundPoints: number; roundCorrect: boolean }>;
}

modeContract({
  mode: "quiz",
  setup(seed) {
    const settings: QuizSettings = {
      minPlayers: 2,
      maxPlayers: 3,
      rounds: 5,
      category: "any",
      joinWindowMs: 0,
      answerWindowMs: 2_000,
      revealMs: 500,
      questions: selectQuestions(bank, { seed, rounds: 5, category: "any" }),
    };
    return { seed, settings, players: [0, 1, 2].map((seat) => ({ seat, playerId: `00000000-0000-4000-8000-00000000000${seat}`, name: `player ${seat}` })) };
  },
  eventStepMs: 300,
  randomMessage(state, seat, rng) {
    const match = state as QuizMatch;
    if (match.phase !== "question" || rng.float() > 0.3) return null;
    const question = match.settings.questions[match.round - 1]!;
    const answer = question.kind === "choice" ? rng.int(0, question.options.length - 1) : rng.int(question.minValue, question.maxValue);
    return { type: "answer", seat, payload: { round: match.round, answer } };
  },
  refusals(state, seat) {
    const match = state as QuizMatch;
    const answer = (round: number, value = 0, from = seat) => ({ type: "answer", seat: from, payload: { round, answer: value } });
    return [
      { input: { type: "join", seat, playerId: "00000000-0000-4000-8000-000000000099", name: "late" }, code: ErrorCode.WrongPhase },
      { input: answer(1, 0, 7), code: ErrorCode.NotParticipant },
      { input: answer(match.settings.questions.length + 1), code: ErrorCode.WrongRound },
      ...(match.phase === "question" ? [{ input: answer(match.round, -1), code: ErrorCode.InvalidMessage }] : []),
      ...(match.round > 1 ? [{ input: answer(match.round - 1), code: ErrorCode.LateAnswer }] : []),
    ];
  },

  options: { rounds: 3, minPlayers: 2, maxPlayers: 2, category: "any" },
  env: { QUIZ_JOIN_WINDOW_MS: "100", QUIZ_ANSWER_WINDOW_MS: "800", QUIZ_REVEAL_MS: "300" },
  humans: 2,
  invalidMessages: [
    { type: "answer", payload: { round: 1 } },
    { type: "answer", payload: { round: 1, answer: "0" } },
    { type: "answer", payload: { round: 0, answer: 0 } },
    { type: "answer", payload: { round: 1, answer: 0, extra: true } },
    { type: "answer", payload: "the first one" },
  ],
  running: (room) => room.state.status === "question" || room.state.status === "reveal",
  leak(decoded, messages) {
    for (const [type, payload] of messages) {
      if (type === "question" && payload && typeof payload === "object" && ("correctIndex" in payload || "target" in payload)) return "a question message carries its answer";
    }
    const state = decoded as unknown as DecodedQuiz;
    if (state.status !== "question") return null;
    const { question } = state;
    if (question.revealed || question.correctIndex !== -1 || question.target !== 0) return `round ${state.round}'s answer is in the state while it is open`;
    if (Object.values(state.players).some((p) => p.roundPoints !== 0 || p.roundCorrect)) return `points of round ${state.round} while it is open`;
    if (messages.some(([type, payload]) => type === "round_result" && (payload as { round: number }).round >= state.round)) return `round ${state.round}'s result while it is open`;
    return null;
  },
});
