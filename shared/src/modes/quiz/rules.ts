/**
 * The quiz as a mode: each round an answer window, then a reveal, driven by answers, connection
 * changes and the deadlines the rules name (time = ms since the match started). Pure: the same
 * settings (the questions as played) and input log give the same quiz, points and standings.
 */
import { ErrorCode } from "../../kit/errors.js";
import { refuse, type MatchOutcome, type ModeRules, type Refusal, type RulesInput, type Standing, type Step, type Time } from "../../kit/rules.js";
import type { QuizAnswer } from "./contract.js";
import { answerMisfit, publicQuestion, type PublicQuestion, type QuizQuestion } from "./questions.js";
import { rankPlayers, scoreRound, totalsOf } from "./scoring.js";

/** Settings a quiz is played with; stored with the match. */
export interface QuizSettings {
  minPlayers: number;
  maxPlayers: number;
  rounds: number;
  category: string;
  joinWindowMs: number;
  answerWindowMs: number;
  revealMs: number;
  /** The match's questions in round order, answers included: a stored match replays without the bank. */
  questions: QuizQuestion[];
}

export type QuizMessages = { answer: QuizAnswer };

/** question: the answer window is open; reveal: the round's answer is shown. */
export type QuizPhase = "question" | "reveal" | "finished";

export type QuizEndReason = "finished" | "shutdown" | "everyone-left";

/** A player as the rules keep it. */
export interface QuizSeat {
  seat: number;
  playerId: string;
  name: string;
  connected: boolean;
  /** Left mid-quiz: keeps the points, answers nothing more. */
  left: boolean;
  score: number;
  correctAnswers: number;
  /** 1-based, set when the quiz ends. */
  placement: number;
}

/** An answer taken in the open round, in arrival order. */
export interface PendingAnswer {
  seat: number;
  answer: number;
  responseTimeMs: number;
}

/** One player's scored answer in a closed round. */
export interface RoundAnswer extends PendingAnswer {
  playerId: string;
  /** Choice: the correct option. Number: the round's winner (closest, earliest on a tie). */
  correct: boolean;
  points: number;
}

/** A closed round: its question (now revealed) and every answer, in arrival order. */
export interface RoundResult {
  round: number;
  question: QuizQuestion;
  answers: RoundAnswer[];
  /** Number rounds: the seat of the closest answer; null for choice rounds or when nobody answered. */
  winnerSeat: number | null;
}

/** The rules state: plain data (a replay viewer clones it to seek). */
export interface QuizMatch {
  settings: QuizSettings;
  /** The time the state has reached. */
  now: Time;
  phase: QuizPhase;
  /** The open round, or the last closed one (1-based). */
  round: number;
  openedAt: Time;
  /** When the answer window closes (question) or the reveal ends (reveal). */
  phaseEndsAt: Time;
  /** By seat. */
  players: QuizSeat[];
  pending: PendingAnswer[];
  /** Closed rounds, in order: `results[round - 1]`. */
  results: RoundResult[];
  /** Null while the quiz runs. */
  endReason: QuizEndReason | null;
}

export type QuizEvent =
  | { type: "round-opened"; round: number; question: PublicQuestion; answerWindowMs: number }
  | { type: "round-closed"; result: RoundResult };

export const QUIZ_RULES_VERSION = 2;

type QuizStep = Step<QuizMatch, QuizEvent>;

function openRound(match: QuizMatch, round: number, at: Time, events: QuizEvent[]): void {
  const question = match.settings.questions[round - 1]!;
  match.phase = "question";
  match.round = round;
  match.openedAt = at;
  match.phaseEndsAt = at + match.settings.answerWindowMs;
  match.pending = [];
  events.push({ type: "round-opened", round, question: publicQuestion(question), answerWindowMs: match.settings.answerWindowMs });
}

/** Scores the open round's answers and shows its answer for `revealMs`. */
function closeRound(match: QuizMatch, at: Time, events: QuizEvent[]): void {
  const question = match.settings.questions[match.round - 1]!;
  const playerOf = (seat: number) => match.players.find((p) => p.seat === seat)!;
  const timed = match.pending.map((a) => ({ playerId: playerOf(a.seat).playerId, answer: a.answer, responseTimeMs: a.responseTimeMs }));
  const answers = scoreRound(question, timed, match.settings.answerWindowMs).map((scored, i) => ({ ...scored, seat: match.pending[i]!.seat }));
  for (const answer of answers) {
    const player = playerOf(answer.seat);
    player.score += answer.points;
    if (answer.correct) player.correctAnswers += 1;
  }
  const winner = question.kind === "number" ? answers.find((a) => a.correct) : undefined;
  const result: RoundResult = { round: match.round, question, answers, winnerSeat: winner?.seat ?? null };
  match.results.push(result);
  match.pending = [];
  match.phase = "reveal";
  match.phaseEndsAt = at + match.settings.revealMs;
  events.push({ type: "round-closed", result });
}

/** Ends the quiz after the rounds played so far; answers already given in an open round still count. */
function finish(match: QuizMatch, at: Time, reason: QuizEndReason, events: QuizEvent[]): void {
  if (match.phase === "question") closeRound(match, at, events);
  match.phase = "finished";
  match.endReason = reason;
  const placements = new Map(standingsOf(match).map((r) => [r.playerId, r.placement]));
  for (const player of match.players) player.placement = placements.get(player.playerId) ?? 0;
}

/** Every player still in and connected has answered the open round (and someone is connected). */
function everyoneAnswered(match: QuizMatch): boolean {
  if (match.phase !== "question") return false;
  let connected = 0;
  for (const player of match.players) {
    if (player.left || !player.connected) continue;
    if (!match.pending.some((a) => a.seat === player.seat)) return false;
    connected++;
  }
  // nobody connected: the window stays open for those who may come back
  return connected > 0;
}

/** An accepted input at `at`: the round closes early once every connected player has answered. */
function closeIfEveryoneAnswered(match: QuizMatch, at: Time): QuizStep {
  const events: QuizEvent[] = [];
  match.now = Math.max(match.now, at);
  if (everyoneAnswered(match)) closeRound(match, at, events);
  return { state: match, events };
}

function finishNow(match: QuizMatch, at: Time, reason: QuizEndReason): QuizStep {
  const events: QuizEvent[] = [];
  match.now = Math.max(match.now, at);
  finish(match, at, reason, events);
  return { state: match, events };
}

function answeredRound(match: QuizMatch, seat: number, round: number): boolean {
  if (round === match.round && match.phase === "question") return match.pending.some((a) => a.seat === seat);
  return match.results[round - 1]?.answers.some((a) => a.seat === seat) ?? false;
}

/**
 * One answer at `at`. Order of the checks: not playing, a round that is not open yet, a second
 * answer, a closed round or window, an answer that does not fit the question.
 */
function applyAnswer(match: QuizMatch, seat: number, { round, answer }: QuizAnswer, at: Time): QuizStep | Refusal {
  const player = match.players.find((p) => p.seat === seat);
  if (!player || player.left) return refuse(ErrorCode.NotParticipant, "you are not playing in this quiz");
  const total = match.settings.questions.length;
  if (round > total) return refuse(ErrorCode.WrongRound, `this quiz has ${total} rounds, there is no round ${round}`);
  if (round > match.round) return refuse(ErrorCode.WrongRound, `round ${round} is not open; the current round is ${match.round}`);
  if (answeredRound(match, seat, round)) return refuse(ErrorCode.DuplicateAnswer, `you already answered round ${round}`);
  if (round < match.round || match.phase !== "question" || at >= match.phaseEndsAt) return refuse(ErrorCode.LateAnswer, `round ${round} is closed`);
  const misfit = answerMisfit(match.settings.questions[round - 1]!, answer);
  if (misfit) return refuse(ErrorCode.InvalidMessage, misfit);
  match.pending.push({ seat, answer, responseTimeMs: Math.max(0, Math.round(at - match.openedAt)) });
  return closeIfEveryoneAnswered(match, at);
}

/** Players ranked by score (equal scores share a placement; seat order among them). */
function standingsOf(match: QuizMatch) {
  return rankPlayers(totalsOf(match.players.map((p) => p.playerId), scoredAnswers(match)));
}

/** Every scored answer as a `quiz_answers` row (without the match id). */
function scoredAnswers(match: QuizMatch) {
  return match.results.flatMap(({ round, question, answers }) =>
    answers.map(({ playerId, answer, correct, responseTimeMs, points }) => ({ playerId, round, questionId: question.id, answer, correct, responseTimeMs, points })),
  );
}

const unchanged = (match: QuizMatch): QuizStep => ({ state: match, events: [], logged: false });

export const quizRules: ModeRules<QuizSettings, QuizMatch, QuizMessages, QuizEvent> = {
  version: QUIZ_RULES_VERSION,

  clock: () => ({ kind: "event" }),

  create({ settings, players }) {
    const match: QuizMatch = {
      settings,
      now: 0,
      phase: "question",
      round: 0,
      openedAt: 0,
      phaseEndsAt: 0,
      players: players
        .slice()
        .sort((a, b) => a.seat - b.seat)
        .map(({ seat, playerId, name }) => ({ seat, playerId, name, connected: true, left: false, score: 0, correctAnswers: 0, placement: 0 })),
      pending: [],
      results: [],
      endReason: null,
    };
    // round 1 opens with the match; its `question` message goes out from the mode's `started`
    if (settings.questions.length > 0) openRound(match, 1, 0, []);
    else finish(match, 0, "finished", []);
    return match;
  },

  /** The caller has advanced the state to `at` (the room and replayMatch do). */
  apply(match, input: RulesInput<QuizMessages>, at) {
    if (match.phase === "finished") return refuse(ErrorCode.WrongPhase, "the quiz is over");
    switch (input.type) {
      case "answer":
        return applyAnswer(match, input.seat, input.payload, at);
      case "presence": {
        const player = match.players.find((p) => p.seat === input.seat);
        if (!player || player.left || player.connected === input.connected) return unchanged(match);
        player.connected = input.connected;
        return closeIfEveryoneAnswered(match, at);
      }
      case "leave": {
        const player = match.players.find((p) => p.seat === input.seat);
        if (!player || player.left) return unchanged(match);
        player.left = true;
        player.connected = false;
        return match.players.every((p) => p.left) ? finishNow(match, at, "everyone-left") : closeIfEveryoneAnswered(match, at);
      }
      case "stop":
        return finishNow(match, at, "shutdown");
      case "join":
        return refuse(ErrorCode.WrongPhase, "a quiz takes no players once it has started");
    }
  },

  advance(match, to) {
    const events: QuizEvent[] = [];
    // every deadline is processed at its own time, however late `to` is
    while (match.phase !== "finished" && match.phaseEndsAt <= to) {
      const at = match.phaseEndsAt;
      match.now = Math.max(match.now, at);
      if (match.phase === "question") closeRound(match, at, events);
      else if (match.round < match.settings.questions.length) openRound(match, match.round + 1, at, events);
      else finish(match, at, "finished", events);
    }
    match.now = Math.max(match.now, to);
    return { state: match, events };
  },

  now: (match) => match.now,
  nextDeadline: (match) => (match.phase === "finished" ? null : match.phaseEndsAt),
  isOver: (match) => match.phase === "finished",

  outcome(match): MatchOutcome {
    const answers = scoredAnswers(match);
    const byPlayer = new Map(match.players.map((p) => [p.playerId, p]));
    const standings: Standing[] = standingsOf(match).map((ranked) => {
      const player = byPlayer.get(ranked.playerId)!;
      return {
        seat: player.seat,
        playerId: player.playerId,
        name: player.name,
        isBot: false,
        placement: ranked.placement,
        score: ranked.score,
        finishTimeMs: null,
        leftEarly: player.left,
        details: { correctAnswers: ranked.correctAnswers, left: player.left },
      };
    });
    return {
      status: match.endReason === "finished" ? "completed" : "aborted",
      reason: match.endReason ?? "running",
      standings,
      summary: { players: match.players.length, roundsPlayed: match.results.length, totalRounds: match.settings.rounds, answers: answers.length },
      rows: { quiz_answers: answers },
    };
  },
};
