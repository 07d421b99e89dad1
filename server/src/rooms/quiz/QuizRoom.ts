import { performance } from "node:perf_hooks";
import { ServerError } from "@colyseus/core";
import type { Delayed } from "@colyseus/timer";
import {
  ErrorCode,
  QUIZ_ROOM,
  type QuizQuestionPayload,
  QuizAnswer,
  QuizJoinOptions,
  QuizMessage,
  QuizPlayer,
  QuizQuestionView,
  QuizServerMessage,
  QuizState,
  type QuizFinishedPayload,
  type QuizRoundResultPayload,
  type QuizStatus,
} from "@arena/shared";
import { GameRoom, INVALID_OPTIONS_STATUS, authenticateJoin, type GameClient, type JoinAuth } from "../GameRoom.js";
import { judgeAnswer } from "./answers.js";
import { loadQuestionBank, type LoadedBank } from "./question-bank.js";
import {
  NotEnoughQuestionsError,
  publicQuestion,
  revealedAnswer,
  selectQuestions,
  type PublicQuestion,
  type QuizQuestion,
} from "./questions.js";
import { answerRecord, scoreQuiz, type LoggedAnswer, type QuizReplay, type QuizSettings } from "./replay.js";
import { scoreRound } from "./scoring.js";

type QuizClient = GameClient<QuizJoinOptions>;

interface Seat {
  playerId: string;
  name: string;
  /** Left after the start: keeps the points, answers nothing more. */
  left: boolean;
}

/** HTTP status of a room creation refused because the question bank cannot be read. */
const BANK_UNAVAILABLE_STATUS = 503;
/** The countdown clients see moves in whole seconds: one patch a second, not one every patch (the `question` message carries the exact window). */
const COUNTDOWN_STEP_MS = 1000;

const answerKey = (round: number, playerId: string) => `${round}:${playerId}`;

/**
 * An authoritative quiz. The questions and their answers stay on the server; clients see a
 * question's public fields while its answer window is open, and the answer once it closes.
 * waiting_for_players → players_joining → (question → reveal) × rounds → finished.
 */
export class QuizRoom extends GameRoom<QuizState, QuizJoinOptions> {
  static override onAuth = authenticateJoin(QUIZ_ROOM, QuizJoinOptions);

  private settings!: QuizSettings;
  /** The match's questions in round order, with their hidden answers. Never put into the state. */
  private questions: QuizQuestion[] = [];
  /** By session id, in join order: the order of equal scores. */
  private readonly seats = new Map<string, Seat>();
  /** Every accepted answer in arrival order: the input log of the replay. */
  private readonly answerLog: LoggedAnswer[] = [];
  /** `round:playerId` of every accepted answer, for the one-answer-per-round rule. */
  private readonly answered = new Set<string>();
  private phaseTimer: Delayed | undefined;
  /** When the current timed status ends (join window, answer window, reveal); 0 when untimed. */
  private phaseEndsAt = 0;
  private phaseLengthMs = 0;
  private roundOpenedAt = 0;
  private roundClosesAt = 0;
  private currentQuestion: PublicQuestion | undefined;
  private startedAt: Date | undefined;

  override async onCreate(rawOptions: unknown) {
    const options = QuizJoinOptions.parse(rawOptions);
    const { joinWindowMs, answerWindowMs, revealMs } = this.services.config.quiz;
    this.settings = {
      minPlayers: options.minPlayers,
      maxPlayers: options.maxPlayers,
      rounds: options.rounds,
      category: options.category,
      joinWindowMs,
      answerWindowMs,
      revealMs,
    };
    this.maxClients = options.maxPlayers;
    // the state first: patches (and onBeforePatch) already run while the bank loads
    const state = new QuizState();
    state.minPlayers = options.minPlayers;
    state.maxPlayers = options.maxPlayers;
    state.totalRounds = options.rounds;
    state.category = options.category;
    this.state = state;
    this.questions = await this.pickQuestions(options);

    // one answer a round counts; a player hammering the answer button gets cut off early
    this.onValidatedMessage(QuizMessage.Answer, QuizAnswer, (client, answer) => this.receiveAnswer(client, answer), {
      shareOfClientRate: 1 / 3,
    });
    this.rejectUnknownMessages();
    this.log.info({ settings: this.settings, seed: this.seed }, "quiz created");
  }

  protected override playerJoined(client: QuizClient, auth: JoinAuth<QuizJoinOptions>) {
    this.seats.set(client.sessionId, { playerId: auth.identity.playerId, name: auth.identity.displayName, left: false });
    const player = new QuizPlayer();
    player.name = auth.identity.displayName;
    this.state.players.set(client.sessionId, player);
    this.clientLog(client).info({ playerId: auth.identity.playerId }, "quiz player joined");
    this.updateLobby();
  }

  protected override onSeatHeld(client: QuizClient) {
    const player = this.state.players.get(client.sessionId);
    if (player) player.connected = false;
    // the ones still connected may all have answered already
    this.closeRoundIfAllAnswered();
  }

  protected override seatResumed(client: QuizClient) {
    const player = this.state.players.get(client.sessionId);
    if (player) player.connected = true;
  }

  override onLeave(client: QuizClient) {
    const seat = this.seats.get(client.sessionId);
    const player = this.state.players.get(client.sessionId);
    if (!seat || !player) return;
    player.connected = false;
    const status = this.status;
    if (status === "waiting_for_players" || status === "players_joining") {
      this.seats.delete(client.sessionId);
      this.state.players.delete(client.sessionId);
      this.updateLobby();
    } else if (status === "question" || status === "reveal") {
      seat.left = true;
      player.left = true;
      if ([...this.seats.values()].every((s) => s.left)) this.finish("aborted");
      else this.closeRoundIfAllAnswered();
    }
    this.clientLog(client).info({ status }, "quiz player left");
  }

  /** A creation refused for its options (too few questions) is the client's mistake, not a server fault. */
  override onUncaughtException(error: Error, methodName: string): void {
    const cause = error.cause;
    if (methodName === "onCreate" && cause instanceof ServerError && cause.code === INVALID_OPTIONS_STATUS) {
      this.log.info({ reason: cause.message }, "quiz creation refused");
      return;
    }
    super.onUncaughtException(error, methodName);
  }

  /** Runs before every patch, outside the crash guard: keep it trivial. */
  override onBeforePatch() {
    if (!this.state) return;
    const left = this.phaseEndsAt === 0 ? 0 : Math.max(0, this.phaseEndsAt - this.now());
    this.state.countdownMs = Math.min(this.phaseLengthMs, Math.ceil(left / COUNTDOWN_STEP_MS) * COUNTDOWN_STEP_MS);
  }

  override onDispose() {
    this.phaseTimer?.clear();
    this.log.info("quiz room disposed");
  }

  private get status(): QuizStatus {
    return this.state.status as QuizStatus;
  }

  /**
   * Server time for timing answers. The room clock only advances once per patch (50 ms), too
   * coarse to time answers and order ties, so answers use the monotonic high-resolution clock;
   * the status changes still run on the room clock's timers (see `scheduleAt`).
   */
  private now(): number {
    return performance.now();
  }

  private async pickQuestions(options: QuizJoinOptions): Promise<QuizQuestion[]> {
    let bank: LoadedBank;
    try {
      bank = await loadQuestionBank(this.services.database.db, options.category);
    } catch (error) {
      this.log.error({ err: error }, "question bank could not be read");
      throw new ServerError(BANK_UNAVAILABLE_STATUS, `${ErrorCode.Internal}: the question bank is unavailable, try again`);
    }
    if (bank.rejected.length > 0) this.log.warn({ rejected: bank.rejected }, "unusable question bank rows skipped");
    try {
      return selectQuestions(bank.questions, { seed: this.seed, rounds: options.rounds, category: options.category });
    } catch (error) {
      if (error instanceof NotEnoughQuestionsError) {
        throw new ServerError(INVALID_OPTIONS_STATUS, `${ErrorCode.InvalidOptions}: ${error.message}`);
      }
      throw error;
    }
  }

  /** Enters a status; a timed one calls `then` once its time is up. */
  private enter(status: QuizStatus, timed?: { ms: number; then: () => void }) {
    this.phaseTimer?.clear();
    this.phaseTimer = undefined;
    this.state.status = status;
    this.phaseEndsAt = timed ? this.now() + timed.ms : 0;
    this.phaseLengthMs = timed ? timed.ms : 0;
    if (timed) this.scheduleAt(this.phaseEndsAt, timed.then);
    this.onBeforePatch();
  }

  /** Runs `then` at `at`. Room clock timers may fire up to one patch early, so check and wait on. */
  private scheduleAt(at: number, then: () => void) {
    this.phaseTimer = this.clock.setTimeout(
      () => (this.now() < at ? this.scheduleAt(at, then) : then()),
      Math.max(0, at - this.now()),
    );
  }

  private updateLobby() {
    const status = this.status;
    if (status !== "waiting_for_players" && status !== "players_joining") return;
    const count = this.seats.size;
    if (count >= this.settings.maxPlayers) {
      this.startQuiz();
    } else if (count >= this.settings.minPlayers) {
      if (status === "waiting_for_players") {
        this.enter("players_joining", { ms: this.settings.joinWindowMs, then: () => this.startQuiz() });
      }
    } else if (status === "players_joining") {
      this.enter("waiting_for_players");
    }
  }

  private startQuiz() {
    const status = this.status;
    if ((status !== "waiting_for_players" && status !== "players_joining") || this.seats.size < this.settings.minPlayers) return;
    void this.lock();
    this.startedAt = new Date();
    this.matchStarted();
    this.log.info({ players: this.seats.size, questionIds: this.questions.map((q) => q.id) }, "quiz started");
    this.openRound(1);
  }

  private openRound(round: number) {
    const question = publicQuestion(this.questions[round - 1]!);
    const view = new QuizQuestionView();
    view.id = question.id;
    view.category = question.category;
    view.kind = question.kind;
    view.prompt = question.prompt;
    view.options.push(...question.options);
    view.minValue = question.minValue;
    view.maxValue = question.maxValue;
    this.state.question = view;
    this.state.round = round;
    this.state.players.forEach((player) => {
      player.answered = false;
      player.roundPoints = 0;
      player.roundCorrect = false;
    });
    this.currentQuestion = question;
    const announce: QuizQuestionPayload = {
      round,
      id: question.id,
      category: question.category,
      kind: question.kind,
      prompt: question.prompt,
      options: [...question.options],
      minValue: question.minValue,
      maxValue: question.maxValue,
      answerWindowMs: this.settings.answerWindowMs,
    };
    this.broadcast(QuizServerMessage.Question, announce);
    this.roundOpenedAt = this.now();
    this.roundClosesAt = this.roundOpenedAt + this.settings.answerWindowMs;
    this.enter("question", { ms: this.settings.answerWindowMs, then: () => this.closeRound() });
  }

  private receiveAnswer(client: QuizClient, submission: QuizAnswer) {
    const receivedAt = this.now();
    const seat = this.seats.get(client.sessionId);
    if (!seat || seat.left) {
      this.sendError(client, ErrorCode.NotParticipant, "you are not playing in this quiz", QuizMessage.Answer);
      return;
    }
    const key = answerKey(submission.round, seat.playerId);
    const verdict = judgeAnswer(
      {
        status: this.status,
        round: this.state.round,
        totalRounds: this.settings.rounds,
        openedAt: this.roundOpenedAt,
        closesAt: this.roundClosesAt,
        question: this.currentQuestion,
        alreadyAnswered: this.answered.has(key),
      },
      submission,
      receivedAt,
    );
    if (!verdict.accepted) {
      this.sendError(client, verdict.code, verdict.message, QuizMessage.Answer);
      return;
    }
    this.answered.add(key);
    this.answerLog.push({
      round: submission.round,
      playerId: seat.playerId,
      answer: submission.answer,
      responseTimeMs: verdict.responseTimeMs,
    });
    const player = this.state.players.get(client.sessionId);
    if (player) player.answered = true;
    this.closeRoundIfAllAnswered();
  }

  /** Closes the round early once every connected player still in the quiz has answered. */
  private closeRoundIfAllAnswered() {
    if (this.status !== "question") return;
    let connected = 0;
    for (const [sessionId, seat] of this.seats) {
      if (seat.left || !this.state.players.get(sessionId)?.connected) continue;
      if (!this.answered.has(answerKey(this.state.round, seat.playerId))) return;
      connected++;
    }
    // nobody connected: keep the window open for those who may reconnect
    if (connected > 0) this.closeRound();
  }

  private closeRound() {
    if (this.status !== "question") return;
    const round = this.state.round;
    const question = this.questions[round - 1]!;
    const roundAnswers = this.answerLog.filter((a) => a.round === round);
    const scored = scoreRound(question, roundAnswers, this.settings.answerWindowMs);
    const sessionOf = new Map([...this.seats].map(([sessionId, seat]) => [seat.playerId, { sessionId, seat }]));

    const results: QuizRoundResultPayload["answers"] = [];
    let winnerSessionId: string | null = null;
    for (const answer of scored) {
      const entry = sessionOf.get(answer.playerId);
      const player = entry && this.state.players.get(entry.sessionId);
      if (!entry || !player) continue;
      player.score += answer.points;
      player.roundPoints = answer.points;
      player.roundCorrect = answer.correct;
      if (answer.correct) player.correctAnswers += 1;
      if (answer.correct && question.kind === "number") winnerSessionId = entry.sessionId;
      const { answer: value, correct, responseTimeMs, points } = answer;
      results.push({ sessionId: entry.sessionId, name: entry.seat.name, answer: value, correct, responseTimeMs, points });
    }

    const revealed = revealedAnswer(question);
    const view = this.state.question;
    view.revealed = true;
    if (revealed.correctIndex !== null) view.correctIndex = revealed.correctIndex;
    if (revealed.target !== null) view.target = revealed.target;
    this.enter("reveal", { ms: this.settings.revealMs, then: () => this.nextRound() });

    const payload: QuizRoundResultPayload = {
      round,
      questionId: question.id,
      kind: question.kind,
      ...revealed,
      winnerSessionId,
      answers: results,
    };
    // after the patch, so a client reading the message sees the revealed state too
    this.broadcast(QuizServerMessage.RoundResult, payload, { afterNextPatch: true });
    this.log.info({ round, questionId: question.id, answers: scored.length }, "round closed");
  }

  private nextRound() {
    if (this.state.round < this.questions.length) this.openRound(this.state.round + 1);
    else this.finish("completed");
  }

  protected override matchInProgress(): boolean {
    return this.status === "question" || this.status === "reveal";
  }

  /** Ends the quiz after the rounds played so far (an open round still counts), recorded as aborted. */
  protected override abortMatch() {
    this.finish("aborted");
  }

  private finish(status: QuizFinishedPayload["status"]) {
    if (this.status === "finished") return;
    // answers already given in an open round still count
    if (this.status === "question") this.closeRound();
    this.enter("finished");
    const endedAt = new Date();
    const startedAt = this.startedAt ?? endedAt;
    const roundsPlayed = this.state.round;
    const questions = this.questions.slice(0, roundsPlayed);
    const seats = [...this.seats];
    const outcome = scoreQuiz(
      questions,
      seats.map(([, seat]) => seat.playerId),
      this.answerLog,
      this.settings.answerWindowMs,
    );
    const bySessionId = new Map(seats.map(([sessionId, seat]) => [seat.playerId, { sessionId, seat }]));
    const standings = outcome.standings.flatMap((ranked) => {
      const entry = bySessionId.get(ranked.playerId);
      return entry ? [{ ...ranked, ...entry }] : [];
    });
    for (const s of standings) {
      const player = this.state.players.get(s.sessionId);
      if (player) player.placement = s.placement;
    }

    const replay: QuizReplay = {
      questionIds: questions.map((q) => q.id),
      players: seats.map(([, seat]) => ({ playerId: seat.playerId, name: seat.name })),
      answers: this.answerLog,
    };
    this.submitResult({
      ...this.resultBase(startedAt, endedAt),
      mode: QUIZ_ROOM,
      status,
      settings: { ...this.settings },
      replay: { ...replay },
      summary: { players: seats.length, roundsPlayed, totalRounds: this.settings.rounds, answers: this.answerLog.length },
      participants: standings.map((s) => ({
        playerId: s.playerId,
        displayName: s.seat.name,
        isBot: false,
        placement: s.placement,
        score: s.score,
        finishTimeMs: null,
        leftEarly: s.seat.left,
        details: { correctAnswers: s.correctAnswers, left: s.seat.left },
      })),
      rows: { quiz_answers: outcome.answers.map(answerRecord) },
    });

    const payload: QuizFinishedPayload = {
      matchId: this.matchId,
      status,
      roundsPlayed,
      standings: standings.map((s) => ({
        sessionId: s.sessionId,
        playerId: s.playerId,
        name: s.seat.name,
        placement: s.placement,
        score: s.score,
        correctAnswers: s.correctAnswers,
        left: s.seat.left,
      })),
    };
    this.broadcast(QuizServerMessage.Finished, payload, { afterNextPatch: true });
    this.log.info({ status, standings: payload.standings.map((s) => [s.name, s.placement, s.score]) }, "quiz finished");
    this.matchEnded();
  }
}
