/**
 * The one room type every mode runs in. It composes the units that each do one job — message gate,
 * seats and lobby, tick loop or deadlines, lifecycle — and drives the mode's pure rules with them;
 * it knows no mode by name. The mode never calls back into the room: it returns state and events.
 */
import { randomInt, randomUUID } from "node:crypto";
import { CloseCode, Room, ServerError, type Client, type Deferred } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { ERROR_MESSAGE, ErrorCode, FINISHED_MESSAGE, type ErrorPayload, type MessagesOf, type ModeContract, type OptionsOf, type StateOf } from "@arena/shared";
import type { ProjectionContext } from "@arena/shared/kit/projection";
import { decodeLog, type MatchClock, type MatchOutcome, type RulesInput, type Step, type Refusal, type Time, type MessageInput } from "@arena/shared/kit/rules";
import { safeParse } from "zod/v4/core";
import type { Logger } from "../observability/logger.js";
import type { ModeTally } from "../observability/metrics.js";
import type { MatchResult } from "../persistence/match-result.js";
import { enrol, meterSocket } from "./census.js";
import { ArrayInputLog, type InputLog } from "./input-log.js";
import { INVALID_OPTIONS_STATUS, UNAUTHORIZED_STATUS, authenticateJoin, type JoinAuth } from "./join-auth.js";
import { MatchLifecycle } from "./lifecycle.js";
import { MatchFeed, publishMatch, type FeedSnapshot } from "./match-feed.js";
import { MessageGate } from "./message-gate.js";
import { matchResultOf } from "./result-of.js";
import { RoomTimers } from "./room-timers.js";
import { Seats } from "./seats.js";
import { SettingsRefused, type Announcer, type ServerMode } from "./server-mode.js";
import type { RoomServices } from "./services.js";
import { TickLoop } from "./tick-loop.js";

export type MatchClient<C extends ModeContract> = Client<{ auth: JoinAuth<OptionsOf<C>> }>;

/**
 * Creation option only server code can set (a client's options lose unknown keys in `onAuth`): the
 * queue creates the room for a group of this many humans.
 */
export const QUEUED_HUMANS_OPTION = "queuedHumans";

function queuedHumans(options: unknown): number | undefined {
  const value = typeof options === "object" && options !== null ? (options as Record<string, unknown>)[QUEUED_HUMANS_OPTION] : undefined;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** HTTP status of a join refused by the seats (full of humans, over, the same player twice). */
const SEAT_REFUSED_STATUS = 409;

/** Event-driven time is kept to the microsecond, so the logged time is exactly the time the rules used. */
const roundMicros = (ms: number) => Math.round(ms * 1000) / 1000;



export class MatchRoom<C extends ModeContract, Settings, S, E, Section> extends Room<{ state: StateOf<C>; client: MatchClient<C> }> {
  readonly matchId: string = randomUUID();
  /** Seed of everything random in this match; stored with the result for replay. */
  readonly seed: number = randomInt(0, 0xffffffff);
  private readonly timers = new RoomTimers();
  private readonly gate: MessageGate;
  private readonly lifecycle: MatchLifecycle;
  private readonly tally: ModeTally;
  private readonly rejected = new Map<string, { inc(): void }>();
  private roomLog: Logger | undefined;
  private settings!: Settings;
  private seats!: Seats;
  private matchClock!: MatchClock;
  private match: S | undefined;
  private setupPlayers: Array<{ seat: number; playerId: string; name: string }> = [];
  private inputLog!: InputLog<MessagesOf<C>>;
  private tickLoop: TickLoop | undefined;
  private deadline: { clear(): void } | undefined;
  /** Spectator mirrors on this node subscribe here. */
  private readonly feed = new MatchFeed();
  private unpublish: (() => void) | undefined;
  /** Seats held for dropped connections, by session, so a fresh join of the same player can take its seat back. */
  private readonly held = new Map<string, Deferred<Client>>();
  /** Locked because the mode has no seat left that a new player could take. */
  private lockedForSeats = false;

  constructor(
    private readonly mode: ServerMode<C, Settings, S, E, Section>,
    private readonly services: RoomServices,
  ) {
    super();
    enrol(this);
    const { config, metrics } = services;
    this.patchRate = 1000 / config.patchRateHz;
    this.seatReservationTimeout = config.seatReservationSeconds;
    // Colyseus' own hard cap, far above the gate's: it only stops floods too fast for the warning path
    this.maxMessagesPerSecond = config.limits.messagesPerSecond * 10;
    this.gate = new MessageGate(config.limits, mode.contract.messages, mode.rates ?? {});
    this.tally = metrics.tally(mode.contract.name);
    const name = mode.contract.name;
    this.lifecycle = new MatchLifecycle({
      timers: this.timers,
      results: services.results,
      log: () => this.log,
      drainGraceMs: config.drainGraceMs,
      lingerMs: config.postMatchLingerMs,
      meters: {
        started: () => metrics.matchesStarted.labels(name).inc(),
        ended: (status, seconds) => {
          metrics.matchesEnded.labels(name, status).inc();
          metrics.matchDuration.labels(name).observe(seconds);
        },
      },
    });
  }

  override async onCreate(rawOptions: unknown) {
    const { contract } = this.mode;
    const parsed = safeParse(contract.options, rawOptions ?? {});
    if (!parsed.success) throw new ServerError(INVALID_OPTIONS_STATUS, `${ErrorCode.InvalidOptions}: invalid options`);
    const options = parsed.data as OptionsOf<C>;
    const section = this.services.config.modes[contract.name] as Section;
    try {
      this.settings = await this.mode.settings(options, { config: this.services.config, section, seed: this.seed, database: this.services.database, log: this.log });
    } catch (error) {
      if (error instanceof SettingsRefused) {
        const status = error.payload.code === ErrorCode.InvalidOptions ? INVALID_OPTIONS_STATUS : 503;
        throw new ServerError(status, error.message);
      }
      throw error;
    }
    const queued = queuedHumans(rawOptions);
    const lobby = this.mode.lobby(this.settings, { options, section });
    // a queue's group: the room is kept out of matchmaking and starts once the whole group is in
    const policy = queued === undefined ? lobby : { ...lobby, startAt: queued };
    if (queued !== undefined) await this.setPrivate(true);
    this.maxClients = policy.seats;
    this.matchClock = this.mode.rules.clock(this.settings);
    this.inputLog = this.mode.inputLog?.() ?? new ArrayInputLog(this.mode.rules.codec);
    this.state = this.mode.projection.create(this.seed, this.settings, this.matchId);
    this.seats = new Seats(policy, this.timers, () => this.startMatch(), {
      pending: () => reservationsPending(this),
      hold: () => void this.lock(),
      release: () => void this.unlock(),
    });
    this.showLobby();
    this.unpublish = publishMatch(this.roomId, {
      subscribe: (listener) => ({ snapshot: this.snapshot(), unsubscribe: this.feed.add(listener) }),
      now: () => this.now(),
    });
    // Colyseus keeps the matchmaking filter's values in the metadata: add to it, never replace it
    void this.setMetadata({ ...this.metadata, mode: contract.name, phase: "lobby", seats: policy.seats, ...(queued === undefined ? {} : { queued: true }) });
    this.onMessage("*", (client: MatchClient<C>, type: string | number, payload: unknown) => this.receive(client, type, payload));
    this.log.info({ settings: this.mode.publicSettings?.(this.settings) ?? this.settings, seed: this.seed }, "room created");
  }

  override onJoin(client: MatchClient<C>, _options: unknown, auth?: JoinAuth<OptionsOf<C>>): void {
    this.services.joins?.joined(client.sessionId);
    if (!auth) throw new ServerError(UNAUTHORIZED_STATUS, `${ErrorCode.Unauthorized}: join without matchmaking`);
    meterSocket(client, this.tally);
    const { playerId, displayName } = auth.identity;
    // a join that fills the lobby starts the match inside `take`: `started` speaks to that player
    const joinedRunning = this.lifecycle.phase === "running";
    const taken = this.seats.take(client.sessionId, playerId, displayName, auth.options, this.openSeats());
    if (!taken.ok) throw new ServerError(SEAT_REFUSED_STATUS, taken.reason);
    this.log.info({ sessionId: client.sessionId, playerId, seat: taken.seat, duringMatch: taken.duringMatch, replaced: taken.replaced }, "player joined");
    if (taken.replaced !== undefined) {
      // the old connection's reconnection window ends now; its onLeave finds no seat
      this.held.get(taken.replaced)?.reject(false);
      this.held.delete(taken.replaced);
      if (this.lifecycle.phase === "running") this.applyKit({ type: "presence", seat: taken.seat, connected: true });
    }
    if (taken.duringMatch) this.applyKit({ type: "join", seat: taken.seat, playerId, name: displayName });
    else if (this.lifecycle.phase === "lobby") this.showLobby();
    if (taken.replaced !== undefined || taken.duringMatch) this.emitKeys();
    this.showPrivate(client, taken.seat);
    this.mode.welcome?.(taken.seat, { seed: this.seed, settings: this.settings, state: joinedRunning ? this.match : undefined }, this.announcer);
  }

  /**
   * A connection dropped without a goodbye: hold the seat for RECONNECT_WINDOW_S (shown as
   * disconnected meanwhile); `onLeave` follows if nobody comes back. A client the server itself
   * closed (flooding, protocol errors: code 4002) gets no seat to come back to.
   */
  override onDrop(client: MatchClient<C>, code?: number): void {
    if (code === CloseCode.WITH_ERROR) return;
    this.markConnected(client, false);
    this.log.info({ sessionId: client.sessionId, code }, "connection dropped; seat held for reconnection");
    // not awaited: Colyseus only closes the socket once this returns; onLeave follows if the window runs out
    const reconnection = this.allowReconnection(client, this.services.config.reconnectWindowSeconds);
    this.held.set(client.sessionId, reconnection);
    reconnection.then(
      () => this.held.delete(client.sessionId),
      () => this.held.delete(client.sessionId),
    );
  }

  override onReconnect(client: MatchClient<C>): void {
    meterSocket(client, this.tally);
    this.log.info({ sessionId: client.sessionId }, "player reconnected");
    const human = this.markConnected(client, true);
    if (!human) return;
    this.showPrivate(client, human.seat);
    this.mode.welcome?.(human.seat, { seed: this.seed, settings: this.settings, state: this.match }, this.announcer);
  }

  override onLeave(client: MatchClient<C>): void {
    this.gate.forget(client);
    // frees the view's id and visibility bits now rather than at garbage collection
    client.view?.dispose();
    const human = this.seats.leave(client.sessionId);
    if (!human) return;
    this.log.info({ sessionId: client.sessionId, seat: human.seat, phase: this.lifecycle.phase }, "player left");
    if (this.lifecycle.phase === "running") this.applyKit({ type: "leave", seat: human.seat });
    else if (this.lifecycle.phase === "lobby") this.showLobby();
  }

  /** Graceful drain (SIGTERM): a lobby closes at once; a running match may finish within DRAIN_GRACE_S. */
  override onBeforeShutdown(): void {
    this.lifecycle.drain(
      () => void this.disconnect(CloseCode.SERVER_SHUTDOWN),
      () => this.applyKit({ type: "stop", reason: "shutdown" }),
    );
  }

  /** The schema state only has to be current when a patch is built: copy the rules state then. */
  override onBeforePatch(): void {
    if (this.match !== undefined) this.mode.projection.project(this.state, this.match, this.projectionContext);
    else if (this.mode.projection.lobbyCountdown && this.seats?.view().phase === "starting") this.mode.projection.lobby(this.state, this.seats.view());
  }

  /** Any exception in room code lands here instead of taking the process down. */
  override onUncaughtException(error: Error, methodName: string): void {
    const cause = error.cause;
    if (methodName === "onCreate" && cause instanceof ServerError && cause.code === INVALID_OPTIONS_STATUS) {
      this.log.info({ reason: cause.message }, "room creation refused");
      return;
    }
    this.log.error({ err: error, method: methodName }, "uncaught exception in room");
  }

  override onDispose(): void {
    // a lobby that closes before its match starts: its mirrors have nothing more to show
    if (this.lifecycle.phase !== "ended") this.feed.emit({ kind: "end" });
    this.unpublish?.();
    this.tickLoop?.stop();
    this.timers.clearAll();
    this.log.info("room disposed");
  }

  /** A client's lines carry its sessionId as a field: a child logger per join cost 17 µs even with the level off. */
  private get log(): Logger {
    this.roomLog ??= this.services.logger.child({ roomId: this.roomId, mode: this.mode.contract.name, matchId: this.matchId });
    return this.roomLog;
  }

  private readonly projectionContext: ProjectionContext = ((room: MatchRoom<C, Settings, S, E, Section>) => ({
    keyOf: (playerId: string, seat: number) => room.seats.sessionOf(playerId) ?? `bot-${seat}`,
    connected: (playerId: string) => {
      const sessionId = room.seats.sessionOf(playerId);
      return sessionId === undefined ? true : (room.seats.human(sessionId)?.connected ?? false);
    },
    get now() {
      return room.now();
    },
  }))(this);

  private readonly announcer: Announcer<C> = {
    broadcast: (type, payload, options) => this.broadcast(type, payload, options?.afterNextPatch ? { afterNextPatch: true } : undefined),
    toSeat: (seat, type, payload) => {
      const sessionId = this.seats.holderOf(seat);
      const client = sessionId === undefined ? undefined : this.clients.get(sessionId);
      client?.send(type, payload);
    },
    sessionOf: (playerId) => this.seats.sessionOf(playerId) ?? null,
  };

  /** The time the rules are at: the current tick, or ms since the match started. */
  private now(): Time {
    if (this.match === undefined) return 0;
    return this.matchClock.kind === "tick" ? this.mode.rules.now(this.match) : roundMicros(this.lifecycle.elapsedMs());
  }

  private markConnected(client: MatchClient<C>, connected: boolean) {
    const human = this.seats.setConnected(client.sessionId, connected);
    if (!human) return undefined;
    if (this.lifecycle.phase === "running") this.applyKit({ type: "presence", seat: human.seat, connected });
    else if (this.lifecycle.phase === "lobby") this.showLobby();
    return human;
  }

  /** Hidden information: what only this seat's client may see goes into its StateView. */
  private showPrivate(client: MatchClient<C>, seat: number): void {
    const privateTo = this.mode.projection.privateTo;
    if (!privateTo || this.match === undefined) return;
    this.mode.projection.project(this.state, this.match, this.projectionContext);
    client.view ??= new StateView();
    for (const instance of privateTo(this.state, this.match, seat)) client.view.add(instance);
  }

  private receive(client: MatchClient<C>, type: string | number, payload: unknown): void {
    this.tally.countReceived(typeof type === "string" && Object.hasOwn(this.mode.contract.messages, type) ? type : "unknown");
    const verdict = this.gate.check(client, type, payload, Date.now());
    switch (verdict.kind) {
      case "drop":
        this.countRejected(ErrorCode.RateLimited);
        return;
      case "warn":
        this.log.warn({ sessionId: client.sessionId, strikes: verdict.strikes }, "client over the message rate");
        this.sendError(client, verdict.error);
        return;
      case "disconnect":
        this.log.warn({ sessionId: client.sessionId, strikes: verdict.strikes }, "client disconnected for flooding");
        this.services.metrics.clientsDisconnected.labels(this.mode.contract.name, "flooding").inc();
        this.sendError(client, verdict.error);
        client.leave(CloseCode.WITH_ERROR);
        return;
      case "refuse":
        this.sendError(client, verdict.error);
        return;
      case "pass":
        break;
    }
    const human = this.seats.human(client.sessionId);
    let refusal: Refusal | undefined;
    if (this.lifecycle.phase !== "running" || this.match === undefined) {
      const when = this.lifecycle.phase === "lobby" ? "the match has not started yet" : "the match is over";
      refusal = { refused: true, code: ErrorCode.WrongPhase, message: when };
    } else if (!human) {
      refusal = { refused: true, code: ErrorCode.NotParticipant, message: "you hold no seat in this match" };
    } else {
      const input = { type: verdict.type, seat: human.seat, payload: verdict.payload } as MessageInput<MessagesOf<C>>;
      refusal = this.apply(input);
    }
    if (refusal) this.sendError(client, { code: refusal.code, message: refusal.message, cause: verdict.type });
  }

  private applyKit(input: RulesInput<MessagesOf<C>>): void {
    const refusal = this.apply(input);
    if (refusal) this.log.warn({ input, code: refusal.code, reason: refusal.message }, "the rules refused a seat change");
  }

  /** Applies one input to the rules at the current time; logs it, announces its events, ends the match if it is over. */
  private apply(input: RulesInput<MessagesOf<C>>): Refusal | undefined {
    if (this.match === undefined) return { refused: true, code: ErrorCode.WrongPhase, message: "the match has not started yet" };
    const at = this.now();
    if (this.matchClock.kind === "event") this.advance(at);
    if (this.match === undefined || this.lifecycle.phase !== "running") return { refused: true, code: ErrorCode.WrongPhase, message: "the match is over" };
    const step = this.mode.rules.apply(this.match, input as never, at);
    if (step.refused) return step;
    if (step.logged !== false) {
      this.inputLog.push(at, input);
      if (this.feed.watched) this.feed.emit({ kind: "input", at, input: input as RulesInput<Record<string, unknown>> });
    }
    this.afterStep(step);
    return undefined;
  }

  private advance(to: Time): void {
    if (this.match === undefined) return;
    this.afterStep(this.mode.rules.advance(this.match, to));
  }

  private afterStep(step: Step<S, E>): void {
    this.match = step.state;
    if (step.events.length > 0) this.mode.announce?.(step.events, step.state, this.announcer);
    if (this.mode.rules.isOver(step.state)) {
      this.finish();
      return;
    }
    if (this.matchClock.kind === "event") this.scheduleDeadline();
    this.lockWhenNoSeatIsOpen();
  }

  /** The seats the mode lets a new player take now, while the match runs (undefined: any free seat). */
  private openSeats(): readonly number[] | undefined {
    if (this.match === undefined || this.lifecycle.phase !== "running" || !this.mode.openSeats) return undefined;
    return this.mode.openSeats(this.match);
  }

  /** Keeps matchmaking away from a running match in which no seat is left to take (and lets it back when one opens). */
  private lockWhenNoSeatIsOpen(): void {
    const open = this.openSeats();
    if (open === undefined || !this.seats.policy.bots) return;
    const anyOpen = open.some((seat) => this.seats.holderOf(seat) === undefined);
    if (anyOpen === !this.lockedForSeats) return;
    this.lockedForSeats = !anyOpen;
    void (anyOpen ? this.unlock() : this.lock());
  }

  private scheduleDeadline(): void {
    this.deadline?.clear();
    this.deadline = undefined;
    if (this.match === undefined) return;
    const at = this.mode.rules.nextDeadline(this.match);
    if (at === null) return;
    this.deadline = this.timers.setTimeout(() => {
      this.deadline = undefined;
      const now = this.now();
      if (now < at) this.scheduleDeadline();
      else this.advance(now);
    }, at - this.lifecycle.elapsedMs());
  }

  private startMatch(): void {
    const { rules } = this.mode;
    this.lifecycle.start();
    this.setupPlayers = this.seats.seated();
    this.match = rules.create({ seed: this.seed, settings: this.settings, players: this.setupPlayers });
    if (!this.seats.policy.bots) {
      void this.lock();
      // Colyseus reserves a seat whenever one is free, locked or not: a matchmaker that read the
      // lobby's listing just before the start would seat a player the match then turns away
      this.maxClients = Math.min(this.maxClients, this.clients.length);
    }
    // the room ends itself once the match is over, so a match everyone left still records its result
    this.autoDispose = false;
    this.log.info({ players: this.setupPlayers.length, seats: this.seats.policy.seats }, "match started");
    if (this.feed.watched) this.feed.emit({ kind: "start", setup: this.setup(), startedAtMs: this.lifecycle.startedAtMs });
    void this.setMetadata({ ...this.metadata, phase: "running", startedAt: new Date().toISOString() });
    this.mode.started?.(this.match, this.announcer);
    for (const human of this.setupPlayers) {
      const sessionId = this.seats.holderOf(human.seat);
      const client = sessionId === undefined ? undefined : this.clients.get(sessionId);
      if (client) this.showPrivate(client, human.seat);
      // the rules start with everyone connected: a seat held for a connection dropped in the lobby says so at once
      if (sessionId !== undefined && this.seats.human(sessionId)?.connected === false) this.applyKit({ type: "presence", seat: human.seat, connected: false });
    }
    this.mode.projection.project(this.state, this.match, this.projectionContext);
    if (this.matchClock.kind === "tick") {
      const meters = this.services.metrics;
      const name = this.mode.contract.name;
      this.tickLoop = new TickLoop(this.matchClock.hz, this.services.config.patchRateHz, this.timers, {
        tick: meters.tickDuration.labels(name),
        ticks: meters.ticks.labels(name),
        lateTicks: meters.lateTicks.labels(name),
      });
      this.patchRate = null;
      this.tickLoop.start(
        () => this.match !== undefined && this.advance(this.mode.rules.now(this.match) + 1),
        () => this.broadcastPatch(),
      );
    } else {
      this.scheduleDeadline();
    }
  }

  private finish(): void {
    if (this.match === undefined || this.lifecycle.phase !== "running") return;
    this.tickLoop?.stop();
    this.deadline?.clear();
    this.seats.close();
    void this.lock();
    this.patchRate = 1000 / this.services.config.patchRateHz;
    const outcome = this.mode.rules.outcome(this.match);
    const result = this.resultOf(outcome);
    this.mode.projection.project(this.state, this.match, this.projectionContext);
    const finished = this.mode.finished(outcome, {
      matchId: this.matchId,
      state: this.match,
      sessionOf: (playerId) => this.seats.sessionOf(playerId) ?? null,
    });
    // the final state first, then the result: a client reading `finished` sees the state it describes
    this.broadcastPatch();
    this.broadcast(FINISHED_MESSAGE, finished);
    this.log.info({ status: outcome.status, reason: outcome.reason, standings: outcome.standings.map((s) => [s.name, s.placement, s.score]) }, "match finished");
    this.feed.emit({ kind: "end" });
    void this.setMetadata({ ...this.metadata, phase: "ended" });
    this.lifecycle.end(result, (shuttingDown) => void this.disconnect(shuttingDown ? CloseCode.SERVER_SHUTDOWN : undefined));
  }

  /** Shows the lobby to players, and to spectator mirrors. */
  private showLobby(): void {
    const view = this.seats.view();
    this.mode.projection.lobby(this.state, view);
    if (this.feed.watched) this.feed.emit({ kind: "lobby", lobby: view });
  }

  private emitKeys(): void {
    if (this.feed.watched) this.feed.emit({ kind: "keys", keys: this.seats.keys() });
  }

  private setup() {
    return { seed: this.seed, settings: this.settings as unknown, players: this.setupPlayers };
  }

  private snapshot(): FeedSnapshot {
    const started = this.match !== undefined;
    return {
      mode: this.mode.contract.name,
      matchId: this.matchId,
      seed: this.seed,
      settings: this.settings,
      lobby: this.seats.view(),
      start: started ? { setup: this.setup(), startedAtMs: this.lifecycle.startedAtMs } : undefined,
      inputs: started ? (decodeLog(this.mode.rules, this.inputLog.entries()) as FeedSnapshot["inputs"]) : [],
      keys: this.seats.keys(),
      ended: this.lifecycle.phase === "ended",
    };
  }

  private resultOf(outcome: MatchOutcome): MatchResult {
    const endedAt = new Date();
    return matchResultOf(
      {
        matchId: this.matchId,
        mode: this.mode.contract.name,
        rulesVersion: this.mode.rules.version,
        season: this.services.config.season,
        seed: this.seed,
        node: this.services.config.nodeId,
        startedAt: this.lifecycle.startedAtDate ?? endedAt,
        endedAt,
        settings: this.settings,
        replay: { players: this.setupPlayers, inputs: this.inputLog.entries() },
      },
      outcome,
    );
  }

  private countRejected(reason: string): void {
    let child = this.rejected.get(reason);
    if (!child) this.rejected.set(reason, (child = this.services.metrics.messagesRejected.labels(this.mode.contract.name, reason)));
    child.inc();
  }

  /** Refuses what a client sent: a typed `error` message to that client, counted by reason. */
  private sendError(client: Client, error: ErrorPayload): void {
    this.countRejected(error.code);
    client.send(ERROR_MESSAGE, error);
  }
}

/**
 * Seats matchmaking reserved in `room` whose players have not joined yet, reconnections left out.
 * Colyseus keeps them in `_reservedSeats` (session → [options, auth, consumed, reconnection]) and
 * has no public count; a seat stops being enumerable as its player's `onJoin` runs.
 */
function reservationsPending(room: Room): number {
  const reserved = (room as unknown as { _reservedSeats?: Record<string, readonly unknown[]> })._reservedSeats ?? {};
  return Object.values(reserved).filter((seat) => seat[3] !== true).length;
}

/** The room class Colyseus registers for a mode: the mode and the services passed in, `onAuth` bound to them. */
export function matchRoomFor<C extends ModeContract, Settings, S, E, Section>(
  mode: ServerMode<C, Settings, S, E, Section>,
  services: RoomServices,
): (new () => MatchRoom<C, Settings, S, E, Section>) & { onAuth: ReturnType<typeof authenticateJoin<C>> } {
  return class ModeRoom extends MatchRoom<C, Settings, S, E, Section> {
    static override onAuth = authenticateJoin(mode.contract, services);
    constructor() {
      super(mode, services);
    }
  };
}
