import type { Delayed } from "@colyseus/timer";
import { ServerError } from "@colyseus/core";
import {
  ErrorCode,
  WAR_ROOM,
  WarFactionId,
  WarJoinOptions,
  WarMessage,
  WarMove,
  WarServerMessage,
  NO_ZONE,
  type WarArrivedPayload,
  type WarMapPayload,
  WarState,
  type WarFinishedPayload,
} from "@arena/shared";
import { GameRoom, authenticateJoin, type GameClient, type JoinAuth } from "../GameRoom.js";
import { botName } from "./bots.js";
import { logInput, type LoggedWarInput, type WarReplay, type WarReplayPlayer } from "./replay.js";
import { factionId, warStandings } from "./scoring.js";
import { travelTicks, type WarMap } from "./map.js";
import { chooseSeat } from "./seats.js";
import {
  checkMove,
  createWar,
  stepWar,
  stopWar,
  warSetup,
  type MoveInput,
  type ParticipantSim,
  type WarEvent,
  type WarSettings,
  type WarSim,
  type WarTickInput,
} from "./simulation.js";
import { WarStateSync } from "./war-state.js";

type WarClient = GameClient<WarJoinOptions>;

/** A human in the room and the seat they hold. */
interface HumanSeat {
  sessionId: string;
  playerId: string;
  name: string;
  seat: number;
  connected: boolean;
}

/** A join option lowers the server's limit; 0 (left out) keeps it. */
const lowerOrKeep = (requested: number, serverLimit: number) => (requested > 0 ? Math.min(requested, serverLimit) : serverLimit);

/**
 * An authoritative faction war: clients ask to walk between zones, the fixed-tick simulation decides
 * everything else. waiting (lobby) → playing (when full, or `WAR_LOBBY_TIMEOUT_MS` after the first
 * human joined; bots take the free seats) → finished. Humans may join while bots hold seats: each
 * takes a bot's place. A human who leaves (or does not come back within the reconnection window)
 * hands the seat back to its bot.
 */
export class WarRoom extends GameRoom<WarState, WarJoinOptions> {
  static override onAuth = authenticateJoin(WAR_ROOM, WarJoinOptions);

  private settings!: WarSettings;
  private view!: WarStateSync;
  private sim: WarSim | undefined;
  private map!: WarMap;
  /** The human holding each seat (session id), or null: an empty seat in the lobby, a bot's once playing. */
  private holders: Array<string | null> = [];
  private readonly humans = new Map<string, HumanSeat>();
  /** Every human who held a seat in this match, by player id, with their last session. */
  private readonly everyone = new Map<string, { name: string; sessionId: string }>();
  /** Bounded by the seats: at most one move per seat, and one join or leave per client join or leave. */
  private readonly pendingMoves = new Map<number, MoveInput>();
  private readonly pendingSeatChanges: WarTickInput[] = [];
  private readonly inputLog: LoggedWarInput[] = [];
  /** Everyone who took a seat, when: part of the replay record. */
  private readonly roster: WarReplayPlayer[] = [];
  private lobbyTimer: Delayed | undefined;
  private startedAt: Date | undefined;

  override onCreate(rawOptions: unknown) {
    const options = WarJoinOptions.parse(rawOptions);
    const limits = this.services.config.war;
    this.settings = {
      factions: options.factions,
      maxPlayers: options.maxPlayers,
      scoreLimit: lowerOrKeep(options.scoreLimit, limits.scoreLimit),
      timeLimitS: lowerOrKeep(options.timeLimit, limits.timeLimitS),
      tickRateHz: this.services.config.tickRateHz,
    };
    this.maxClients = options.maxPlayers;
    this.holders = new Array<string | null>(options.maxPlayers).fill(null);
    const { map, missions } = warSetup(this.seed, this.settings);
    this.map = map;
    this.view = new WarStateSync(this.matchId, this.settings, map, missions);
    this.state = this.view.state;

    // one move a tick counts; a few a second is all a player needs
    this.onValidatedMessage(WarMessage.Move, WarMove, (client, move) => this.queueMove(client, move), { shareOfClientRate: 1 / 3 });
    this.rejectUnknownMessages();
    this.startTicking(() => this.tick());
    this.log.info({ settings: this.settings, seed: this.seed, zones: map.zones.length }, "war created");
  }

  protected override playerJoined(client: WarClient, auth: JoinAuth<WarJoinOptions>) {
    const { playerId, displayName } = auth.identity;
    if (this.view.phase === "finished") throw new ServerError(409, "the war is over");
    if ([...this.humans.values()].some((h) => h.playerId === playerId)) {
      throw new ServerError(409, "this player already holds a seat in this war");
    }
    const requested = auth.options.faction ? WarFactionId.options.indexOf(auth.options.faction) : null;
    const choice = chooseSeat(this.holders, this.settings.factions, requested);
    if (!choice) throw new ServerError(409, "every seat is held by a human");

    const human: HumanSeat = { sessionId: client.sessionId, playerId, name: displayName, seat: choice.seat, connected: true };
    this.holders[choice.seat] = client.sessionId;
    this.humans.set(client.sessionId, human);
    this.everyone.set(playerId, { name: displayName, sessionId: client.sessionId });
    if (this.view.phase === "waiting") {
      this.view.showLobbyPlayer(client.sessionId, displayName, choice.seat);
    } else {
      // takes the seat from its bot at the next tick, which logs it for replay
      this.pendingSeatChanges.push({ kind: "join", seat: choice.seat, playerId });
    }
    this.sendMap(client, choice.seat, choice.faction);
    this.clientLog(client).info(
      { playerId, seat: choice.seat, faction: factionId(choice.faction), requested: auth.options.faction, fellBack: choice.fellBack },
      "player joined",
    );
    this.updateLobby();
  }

  /** The roads, walking times and the unit's position, for clients that do not decode the state. */
  private sendMap(client: WarClient, seat: number, faction: number) {
    const hz = this.settings.tickRateHz;
    const standing = this.sim?.seats[seat]?.zone ?? this.map.homes[faction] ?? NO_ZONE;
    const payload: WarMapPayload = {
      faction: factionId(faction),
      zone: standing < 0 ? NO_ZONE : standing,
      zones: this.map.zones.map((zone) => ({
        id: zone.id,
        name: zone.name,
        neighbours: [...zone.neighbours],
        travelMs: zone.neighbours.map((n) => Math.round((travelTicks(this.map, zone.id, n, hz) * 1000) / hz)),
      })),
    };
    client.send(WarServerMessage.Map, payload);
  }

  /** After the reconnection window, onLeave hands the seat to its bot. */
  protected override onSeatHeld(client: WarClient) {
    if (this.view.phase !== "finished") this.markConnected(client, false);
  }

  protected override seatResumed(client: WarClient) {
    this.markConnected(client, true);
  }

  /** Records and shows (at once, also in the lobby) whether a human's client is connected; false if not seated. */
  private markConnected(client: WarClient, connected: boolean): boolean {
    const human = this.humans.get(client.sessionId);
    if (!human) return false;
    human.connected = connected;
    this.view.setConnected(client.sessionId, connected);
    return true;
  }

  override onLeave(client: WarClient) {
    const human = this.humans.get(client.sessionId);
    if (!human) return;
    this.humans.delete(client.sessionId);
    this.holders[human.seat] = null;
    const phase = this.view.phase;
    if (phase === "waiting") {
      this.view.hideLobbyPlayer(client.sessionId, human.seat);
      this.updateLobby();
    } else if (phase === "playing") {
      this.pendingMoves.delete(human.seat);
      this.pendingSeatChanges.push({ kind: "leave", seat: human.seat });
    }
    this.clientLog(client).info({ phase, seat: human.seat }, "player left");
  }

  protected override matchInProgress(): boolean {
    return this.view.phase === "playing";
  }

  /** Ends a running war where it stands, so its result is still recorded (as aborted). */
  protected override abortMatch(reason: "shutdown") {
    if (this.view.phase === "playing" && this.sim) this.finish(stopWar(this.sim, reason));
  }

  override onDispose() {
    this.log.info("war room disposed");
  }

  private updateLobby() {
    if (this.view.phase !== "waiting") return;
    const count = this.humans.size;
    if (count >= this.settings.maxPlayers) {
      this.startWar();
    } else if (count >= 1 && !this.lobbyTimer) {
      this.lobbyTimer = this.clock.setTimeout(() => this.startWar(), this.services.config.war.lobbyTimeoutMs);
    } else if (count === 0 && this.lobbyTimer) {
      this.lobbyTimer.clear();
      this.lobbyTimer = undefined;
    }
  }

  private startWar() {
    if (this.view.phase !== "waiting" || this.humans.size === 0) return;
    this.lobbyTimer?.clear();
    this.lobbyTimer = undefined;
    const humans = [...this.humans.values()].map(({ seat, playerId }) => ({ seat, playerId }));
    const sim = createWar(this.seed, this.settings, humans);
    this.sim = sim;
    for (const participant of sim.participants) this.addToRoster(participant, 0);
    // the room ends itself once the war is over, so a war everyone left still records its result
    this.autoDispose = false;
    this.startedAt = new Date();
    this.matchStarted();
    this.view.phase = "playing";
    this.view.sync(sim, this.identify);
    this.log.info({ humans: humans.length, bots: this.settings.maxPlayers - humans.length }, "war started");
  }

  private queueMove(client: WarClient, move: WarMove) {
    if (this.view.phase !== "playing" || !this.sim) {
      this.sendError(client, ErrorCode.WrongPhase, `moves are accepted while playing, not while ${this.view.phase}`, WarMessage.Move);
      return;
    }
    const human = this.humans.get(client.sessionId);
    if (!human) {
      this.sendError(client, ErrorCode.NotParticipant, "you hold no seat in this war", WarMessage.Move);
      return;
    }
    // the simulation re-checks at the tick; nothing else moves a human's unit in between
    const reason = checkMove(this.sim, human.seat, move.to) ?? (this.pendingMoves.has(human.seat) ? "a move is already queued for the next tick" : null);
    if (reason) {
      this.sendError(client, ErrorCode.InvalidMove, reason, WarMessage.Move);
      return;
    }
    this.pendingMoves.set(human.seat, { kind: "move", seat: human.seat, to: move.to });
  }

  /** The schema state only has to be current when a patch is built: copy the simulation then, not every tick. */
  override onBeforePatch() {
    if (this.sim) this.view.sync(this.sim, this.identify);
  }

  private tick() {
    if (this.view.phase !== "playing" || !this.sim) return;
    const inputs: WarTickInput[] = [...this.pendingSeatChanges.splice(0), ...this.pendingMoves.values()];
    this.pendingMoves.clear();
    const tick = this.sim.tick + 1;
    for (const input of inputs) this.inputLog.push(logInput(tick, input));

    const { state: next, events } = stepWar(this.sim, inputs);
    this.sim = next;
    for (const event of events) this.onEvent(next, event);
    if (next.over) this.finish(next);
  }

  private onEvent(sim: WarSim, event: WarEvent) {
    switch (event.type) {
      case "seat-taken":
        this.addToRoster(sim.participants.find((p) => p.playerId === event.playerId)!, sim.tick);
        this.log.info({ event }, event.isBot ? "bot took the seat" : "human took the seat from its bot");
        break;
      case "input-ignored":
        this.log.warn({ event }, "input ignored by the simulation");
        break;
      case "arrived": {
        // tell the walker (a human, not its bot) where its unit now stands
        const sessionId = this.holders[event.seat];
        const client = sessionId ? this.clients.get(sessionId) : undefined;
        if (client) client.send(WarServerMessage.Arrived, { zone: event.zone } satisfies WarArrivedPayload);
        break;
      }
      case "captured":
      case "mission-done":
      case "war-over":
        this.log.debug({ event, tick: sim.tick }, "war event");
        break;
    }
  }

  private addToRoster(participant: ParticipantSim, tick: number) {
    this.roster.push({
      playerId: participant.playerId,
      name: this.nameOf(participant),
      isBot: participant.isBot,
      faction: factionId(participant.faction),
      seat: participant.seat,
      joinTick: tick,
    });
  }

  private nameOf(participant: { playerId: string; isBot: boolean; seat: number }): string {
    return participant.isBot ? botName(participant.seat) : (this.everyone.get(participant.playerId)?.name ?? "Soldier");
  }

  /** State key, name and connection of whoever plays a seat: humans by session id, bots by seat. */
  private readonly identify = (participant: ParticipantSim) => {
    if (participant.isBot) return { key: `bot-${participant.seat}`, name: this.nameOf(participant), connected: true };
    const sessionId = this.everyone.get(participant.playerId)?.sessionId ?? participant.playerId;
    return { key: sessionId, name: this.nameOf(participant), connected: this.humans.get(sessionId)?.connected ?? false };
  };

  private finish(sim: WarSim) {
    this.view.phase = "finished";
    this.stopTicking();
    void this.lock();
    const endedAt = new Date();
    const startedAt = this.startedAt ?? endedAt;
    const standings = warStandings(sim);
    const status = standings.reason === "abandoned" || standings.reason === "shutdown" ? "aborted" : "completed";

    const replay: WarReplay = {
      players: this.roster,
      inputs: this.inputLog,
      endTick: sim.tick,
      ...(standings.reason === "shutdown" ? { stoppedBecause: standings.reason } : {}),
    };
    this.submitResult({
      ...this.resultBase(startedAt, endedAt),
      mode: WAR_ROOM,
      status,
      settings: { ...this.settings },
      replay: { ...replay },
      summary: {
        reason: standings.reason,
        winner: standings.winner,
        ticks: standings.ticks,
        zones: sim.map.zones.length,
        humans: standings.participants.filter((p) => !p.isBot).length,
        bots: standings.participants.filter((p) => p.isBot).length,
        factions: standings.factions,
      },
      participants: standings.participants.map((p) => ({
        playerId: p.playerId,
        displayName: this.nameOf(p),
        isBot: p.isBot,
        placement: p.placement,
        score: p.score,
        finishTimeMs: null,
        reputationDelta: p.reputationDelta,
        leftEarly: p.leftEarly,
        team: p.faction,
        details: {
          faction: p.faction,
          seat: p.seat,
          captures: p.captures,
          captureSeconds: p.captureSeconds,
          holdSeconds: p.holdSeconds,
          missions: p.missions,
          joinedTick: p.joinedTick,
          leftTick: p.leftTick,
          leftEarly: p.leftEarly,
        },
      })),
      rows: { faction_standings: standings.factions.map((f) => ({
        faction: f.faction,
        placement: f.placement,
        score: f.score,
        details: {
          zonesHeld: f.zonesHeld,
          captures: f.captures,
          missionsDone: f.missionsDone,
          holdPoints: f.holdPoints,
          bonusPoints: f.bonusPoints,
        },
      })) },
    });

    const payload: WarFinishedPayload = {
      matchId: this.matchId,
      status,
      reason: standings.reason,
      winner: standings.winner,
      factions: standings.factions.map(({ faction, placement, score, zonesHeld, captures, missionsDone }) => ({
        faction,
        placement,
        score,
        zonesHeld,
        captures,
        missionsDone,
      })),
      players: standings.participants.map((p) => ({
        sessionId: p.isBot ? null : (this.everyone.get(p.playerId)?.sessionId ?? null),
        playerId: p.playerId,
        name: this.nameOf(p),
        faction: p.faction,
        isBot: p.isBot,
        placement: p.placement,
        score: p.score,
        captures: p.captures,
        missions: p.missions,
        leftEarly: p.leftEarly,
        reputationDelta: p.reputationDelta,
      })),
    };
    this.state.winner = standings.winner ?? "";
    this.state.endReason = standings.reason;
    this.broadcast(WarServerMessage.Finished, payload);
    this.log.info(
      { reason: standings.reason, winner: standings.winner, factions: standings.factions.map((f) => [f.faction, f.placement, f.score]) },
      "war finished",
    );
    this.matchEnded();
  }
}
