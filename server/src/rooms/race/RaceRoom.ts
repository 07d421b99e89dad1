import type { Delayed } from "@colyseus/timer";
import {
  ErrorCode,
  RACE_ROOM,
  RaceInput,
  RaceJoinOptions,
  RaceMessage,
  RaceServerMessage,
  RaceState,
  Racer,
  TrackFeature,
  type RaceCountdownPayload,
  type RaceFinishedPayload,
  type RaceStartedPayload,
  type RacePhase,
} from "@arena/shared";
import { GameRoom, authenticateJoin, type GameClient, type JoinAuth } from "../GameRoom.js";
import { createRace, isRacing, mergeControl, stepRace, stopRace, type RaceSim, type TickInput } from "./simulation.js";
import { RaceInputLog, raceStandings, type RaceSettings } from "./replay.js";
import { generateTrack } from "./track.js";

type RaceClient = GameClient<RaceJoinOptions>;

interface Seat {
  slot: number;
  playerId: string;
  name: string;
}

/**
 * An authoritative race: clients send inputs, the fixed-tick simulation decides everything else.
 * waiting → countdown (when full, or after the lobby timeout with two or more) → racing → finished.
 */
export class RaceRoom extends GameRoom<RaceState, RaceJoinOptions> {
  static override onAuth = authenticateJoin(RACE_ROOM, RaceJoinOptions);

  private settings!: RaceSettings;
  private readonly seats = new Map<string, Seat>();
  private sim: RaceSim | undefined;
  /** At most one merged control and one leave per slot: the queue is bounded by the seat count. */
  private readonly pendingControls = new Map<number, TickInput>();
  private readonly pendingLeaves = new Map<number, TickInput>();
  private readonly inputLog = new RaceInputLog();
  /** Each racer's throttle as the log last recorded it. */
  private readonly loggedThrottle = new Map<number, number>();
  private lobbyTimer: Delayed | undefined;
  private countdownTicks = 0;
  private startedAt: Date | undefined;

  override onCreate(rawOptions: unknown) {
    const options = RaceJoinOptions.parse(rawOptions);
    this.settings = {
      trackLength: options.trackLength,
      lanes: options.lanes,
      maxPlayers: options.maxPlayers,
      tickRateHz: this.services.config.tickRateHz,
    };
    this.maxClients = options.maxPlayers;

    const track = generateTrack(this.seed, options.trackLength, options.lanes);
    const state = new RaceState();
    state.maxPlayers = options.maxPlayers;
    state.track.length = track.length;
    state.track.lanes = track.lanes;
    for (const o of track.obstacles) state.track.obstacles.push(new TrackFeature().assign(o));
    for (const p of track.boostPads) state.track.boostPads.push(new TrackFeature().assign(p));
    this.state = state;

    this.onValidatedMessage(RaceMessage.Input, RaceInput, (client, input) => this.queueInput(client, input));
    this.rejectUnknownMessages();
    this.startTicking(() => this.tick());
    this.log.info({ settings: this.settings, seed: this.seed }, "race created");
  }

  protected override playerJoined(client: RaceClient, auth: JoinAuth<RaceJoinOptions>) {
    const slot = this.freeSlot();
    this.seats.set(client.sessionId, { slot, playerId: auth.identity.playerId, name: auth.identity.displayName });
    const racer = new Racer();
    racer.name = auth.identity.displayName;
    racer.lane = slot % this.settings.lanes;
    this.state.racers.set(client.sessionId, racer);
    this.clientLog(client).info({ slot, playerId: auth.identity.playerId }, "racer joined");
    this.updateLobby();
  }

  protected override onSeatHeld(client: RaceClient) {
    const racer = this.state.racers.get(client.sessionId);
    if (racer) racer.connected = false;
  }

  protected override seatResumed(client: RaceClient) {
    const racer = this.state.racers.get(client.sessionId);
    if (racer) racer.connected = true;
  }

  override onLeave(client: RaceClient) {
    const seat = this.seats.get(client.sessionId);
    const racer = this.state.racers.get(client.sessionId);
    if (!seat || !racer) return;
    racer.connected = false;
    const phase = this.phase;
    if (phase === "waiting") {
      this.seats.delete(client.sessionId);
      this.state.racers.delete(client.sessionId);
      this.updateLobby();
    } else if (phase === "countdown" || phase === "racing") {
      // applied at the next tick, so it enters the input log like any other input
      this.pendingLeaves.set(seat.slot, { kind: "leave", slot: seat.slot });
    }
    this.clientLog(client).info({ phase }, "racer left");
  }

  override onDispose() {
    this.log.info("race room disposed");
  }

  protected override matchInProgress(): boolean {
    return this.phase === "countdown" || this.phase === "racing";
  }

  /** Ends the race where it stands: finishers keep their places, everyone else is DNF; recorded as aborted. */
  protected override abortMatch() {
    if (!this.sim || !this.matchInProgress()) return;
    this.startedAt ??= new Date();
    this.finish(stopRace(this.sim), "aborted");
  }

  private get phase(): RacePhase {
    return this.state.phase as RacePhase;
  }

  private freeSlot(): number {
    const taken = new Set([...this.seats.values()].map((s) => s.slot));
    for (let slot = 0; slot < this.settings.maxPlayers; slot++) if (!taken.has(slot)) return slot;
    throw new Error("no free slot although the room is not full");
  }

  private updateLobby() {
    if (this.phase !== "waiting") return;
    const count = this.seats.size;
    if (count >= this.settings.maxPlayers) {
      this.startCountdown();
    } else if (count >= 2 && !this.lobbyTimer) {
      this.lobbyTimer = this.clock.setTimeout(() => this.startCountdown(), this.services.config.race.lobbyTimeoutMs);
    } else if (count < 2 && this.lobbyTimer) {
      this.lobbyTimer.clear();
      this.lobbyTimer = undefined;
    }
  }

  private startCountdown() {
    if (this.phase !== "waiting" || this.seats.size < 2) return;
    this.lobbyTimer?.clear();
    this.lobbyTimer = undefined;
    void this.lock();
    const track = generateTrack(this.seed, this.settings.trackLength, this.settings.lanes);
    const slots = [...this.seats.values()].map((s) => s.slot).sort((a, b) => a - b);
    this.sim = createRace(track, slots, this.settings.tickRateHz);
    this.state.timeLimitMs = Math.round((this.sim.timeLimitTicks * 1000) / this.settings.tickRateHz);
    this.countdownTicks = Math.ceil((this.services.config.race.countdownMs * this.settings.tickRateHz) / 1000);
    this.state.countdownMs = this.services.config.race.countdownMs;
    this.state.phase = "countdown" satisfies RacePhase;
    this.broadcast(RaceServerMessage.Countdown, { countdownMs: this.state.countdownMs } satisfies RaceCountdownPayload);
    this.log.info({ racers: slots.length }, "countdown started");
  }

  private queueInput(client: RaceClient, input: RaceInput) {
    const seat = this.seats.get(client.sessionId);
    const phase = this.phase;
    if (phase !== "countdown" && phase !== "racing") {
      this.sendError(client, ErrorCode.WrongPhase, `inputs are accepted during countdown and racing, not while ${phase}`, RaceMessage.Input);
      return;
    }
    const racer = seat && this.sim?.racers.find((r) => r.slot === seat.slot);
    if (!seat || !racer || !isRacing(racer) || this.pendingLeaves.has(seat.slot)) {
      this.sendError(client, ErrorCode.NotParticipant, "you are not racing any more", RaceMessage.Input);
      return;
    }
    const pending = this.pendingControls.get(seat.slot);
    this.pendingControls.set(seat.slot, mergeControl(pending?.kind === "control" ? pending : undefined, seat.slot, input));
  }

  private tick() {
    const phase = this.phase;
    if (phase === "countdown") {
      this.countdownTicks--;
      this.state.countdownMs = Math.max(0, Math.round((this.countdownTicks * 1000) / this.settings.tickRateHz));
      if (this.countdownTicks <= 0) {
        this.state.phase = "racing" satisfies RacePhase;
        this.startedAt = new Date();
        this.matchStarted();
        this.broadcast(RaceServerMessage.Started, { timeLimitMs: this.state.timeLimitMs } satisfies RaceStartedPayload);
        this.log.info("race started");
      }
    } else if (phase === "racing" && this.sim) {
      this.stepSimulation(this.sim);
    }
  }

  private stepSimulation(sim: RaceSim) {
    const inputs = [...this.pendingControls.values(), ...this.pendingLeaves.values()];
    this.pendingControls.clear();
    this.pendingLeaves.clear();
    const tick = sim.tick + 1;
    for (const input of inputs) {
      // holding the same throttle without steering or boosting changes nothing in the simulation:
      // left out of the log, which then holds changes only (far smaller results, same replay)
      if (input.kind === "control" && input.steer === 0 && !input.boost && this.loggedThrottle.get(input.slot) === input.throttle) continue;
      if (input.kind === "control") this.loggedThrottle.set(input.slot, input.throttle);
      this.inputLog.push(tick, input);
    }

    const { state: next, events } = stepRace(sim, inputs);
    this.sim = next;
    for (const event of events) {
      if (event.type === "finish" || event.type === "dnf") this.log.info({ event }, "racer done");
    }
    if (next.over) this.finish(next, "completed");
  }

  /** The schema state only has to be current when a patch is built: copy the simulation then, not every tick. */
  override onBeforePatch() {
    if (this.sim) this.syncState(this.sim);
  }

  private syncState(sim: RaceSim) {
    const hz = this.settings.tickRateHz;
    this.state.elapsedMs = Math.round((sim.tick * 1000) / hz);
    for (const [sessionId, seat] of this.seats) {
      const racer = this.state.racers.get(sessionId);
      const simRacer = sim.racers.find((r) => r.slot === seat.slot);
      if (!racer || !simRacer) continue;
      racer.lane = simRacer.lane;
      racer.position = simRacer.position;
      racer.speed = simRacer.speed;
      racer.boosting = simRacer.boostTicks > 0;
      racer.boostCooldownMs = Math.round((simRacer.boostCooldownTicks * 1000) / hz);
      if (simRacer.dnf && !racer.dnf) racer.dnf = true;
      if (simRacer.finishTimeMs !== null && racer.place === 0) {
        racer.place = simRacer.place;
        racer.finishTimeMs = Math.round(simRacer.finishTimeMs);
        this.state.finishOrder.push(sessionId);
      }
    }
  }

  private finish(sim: RaceSim, status: "completed" | "aborted") {
    this.state.phase = "finished" satisfies RacePhase;
    this.stopTicking();
    const endedAt = new Date();
    const startedAt = this.startedAt ?? endedAt;
    const bySlot = new Map([...this.seats].map(([sessionId, seat]) => [seat.slot, { sessionId, seat }]));
    const standings = raceStandings(sim).flatMap((standing) => {
      const entry = bySlot.get(standing.slot);
      return entry ? [{ ...standing, ...entry }] : [];
    });

    this.submitResult({
      ...this.resultBase(startedAt, endedAt),
      mode: RACE_ROOM,
      status,
      settings: { ...this.settings },
      replay: {
        slots: standings.map((s) => ({ slot: s.slot, playerId: s.seat.playerId })).sort((a, b) => a.slot - b.slot),
        inputs: this.inputLog.entries(),
        ...(status === "aborted" ? { stoppedAtTick: sim.tick } : {}),
      },
      summary: { racers: standings.length, finishers: sim.finishOrder.length, ticks: sim.tick },
      participants: standings.map((s) => ({
        playerId: s.seat.playerId,
        displayName: s.seat.name,
        isBot: false,
        placement: s.placement,
        score: s.score,
        finishTimeMs: s.finishTimeMs,
        details: { slot: s.slot, dnf: s.dnf },
      })),
    });

    const payload: RaceFinishedPayload = {
      matchId: this.matchId,
      standings: standings.map((s) => ({
        sessionId: s.sessionId,
        playerId: s.seat.playerId,
        name: s.seat.name,
        place: s.placement,
        finishTimeMs: s.finishTimeMs,
        dnf: s.dnf,
        score: s.score,
      })),
    };
    this.broadcast(RaceServerMessage.Finished, payload);
    this.log.info({ standings: payload.standings.map((s) => [s.name, s.place, s.finishTimeMs]) }, "race finished");
    this.matchEnded();
  }
}
