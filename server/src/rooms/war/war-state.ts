/**
 * Mirrors the pure simulation into the synchronized schema state. Values are written only when they
 * change (the schema then sends nothing), and fast-moving values are coarse on the wire (control in
 * percent, time in whole seconds, walks as start + duration), so a quiet tick costs no bytes.
 */
import { NO_ZONE, WAR_FACTIONS, WarFaction, WarMission, WarPlayer, WarState, WarZone, type WarPhase } from "@arena/shared";
import { NEUTRAL } from "./capture.js";
import type { WarMap } from "./map.js";
import { describeMission, missionProgressForDisplay, type MissionSim } from "./missions.js";
import { contribution, factionId } from "./scoring.js";
import { factionOfSeat } from "./seats.js";
import type { ParticipantSim, WarSettings, WarSim } from "./simulation.js";

/** How the room knows the player in a seat: state key, display name, and whether their client is connected. */
export type Identify = (participant: ParticipantSim) => { key: string; name: string; connected: boolean };

const wireZone = (zone: number) => (zone < 0 ? NO_ZONE : zone);
const wireFaction = (faction: number) => (faction === NEUTRAL ? "" : factionId(faction));

/** Assigns only when the value differs (a plain assignment of an equal value is also a no-op; this keeps arrays cheap too). */
function setIfChanged<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  if (target[key] !== value) target[key] = value;
}

export class WarStateSync {
  readonly state = new WarState();
  /** State key of the player shown in each seat. */
  private readonly seatKeys: Array<string | undefined> = [];

  constructor(
    matchId: string,
    private readonly settings: WarSettings,
    private readonly map: WarMap,
    missions: readonly MissionSim[],
  ) {
    const state = this.state;
    state.matchId = matchId;
    state.maxPlayers = settings.maxPlayers;
    state.scoreLimit = settings.scoreLimit;
    state.timeLimitS = settings.timeLimitS;
    for (const spec of map.zones) {
      const home = map.homes.indexOf(spec.id);
      const zone = new WarZone().assign({ id: spec.id, name: spec.name, x: spec.x, y: spec.y });
      zone.neighbours.push(...spec.neighbours);
      zone.owner = wireFaction(home);
      zone.controlFaction = zone.owner;
      zone.control = home === NEUTRAL ? 0 : 100;
      for (let f = 0; f < settings.factions; f++) zone.presence.push(0);
      state.zones.push(zone);
    }
    for (let f = 0; f < settings.factions; f++) {
      const { id, color } = WAR_FACTIONS[f]!;
      state.factions.push(new WarFaction().assign({ id, color, home: map.homes[f]! }));
    }
    for (const mission of missions) {
      const shown = missionProgressForDisplay(mission, settings.tickRateHz);
      state.missions.push(
        new WarMission().assign({
          id: mission.id,
          faction: factionId(mission.faction),
          kind: mission.kind,
          zone: wireZone(mission.zone),
          target: shown.target,
          progress: shown.progress,
          bonus: mission.bonus,
          description: describeMission(mission, map, settings.tickRateHz),
        }),
      );
    }
  }

  get phase(): WarPhase {
    return this.state.phase;
  }

  set phase(phase: WarPhase) {
    this.state.phase = phase;
  }

  /** A human waiting in the lobby, shown on their faction's home zone. */
  showLobbyPlayer(key: string, name: string, seat: number): void {
    const faction = factionOfSeat(seat, this.settings.factions);
    this.state.players.set(
      key,
      new WarPlayer().assign({ name, faction: factionId(faction), zone: this.map.homes[faction]! }),
    );
    this.seatKeys[seat] = key;
    this.state.factions[faction]!.humans++;
  }

  hideLobbyPlayer(key: string, seat: number): void {
    this.state.players.delete(key);
    this.seatKeys[seat] = undefined;
    this.state.factions[factionOfSeat(seat, this.settings.factions)]!.humans--;
  }

  setConnected(key: string, connected: boolean): void {
    const player = this.state.players.get(key);
    if (player) player.connected = connected;
  }

  /** Copies what players see of the simulation into the state. */
  sync(sim: WarSim, identify: Identify): void {
    const state = this.state;
    const hz = this.settings.tickRateHz;
    setIfChanged(state, "elapsedS", Math.floor(sim.tick / hz));

    sim.zones.forEach((zone, id) => {
      const view = state.zones[id]!;
      setIfChanged(view, "owner", wireFaction(zone.owner));
      setIfChanged(view, "controlFaction", wireFaction(zone.controlFaction));
      setIfChanged(view, "control", Math.floor((zone.control * 100) / sim.controlFull));
      setIfChanged(view, "contested", zone.contested);
      zone.presence.forEach((count, f) => {
        if (view.presence[f] !== count) view.presence[f] = count;
      });
    });

    const humans = new Array<number>(this.settings.factions).fill(0);
    const bots = new Array<number>(this.settings.factions).fill(0);
    for (const seat of sim.seats) {
      const occupant = sim.participants[seat.occupant]!;
      (occupant.isBot ? bots : humans)[seat.faction]!++;
      const { key, name, connected } = identify(occupant);
      const previousKey = this.seatKeys[seat.index];
      if (previousKey !== key) {
        if (previousKey !== undefined) state.players.delete(previousKey);
        state.players.set(key, new WarPlayer().assign({ name, faction: factionId(seat.faction), isBot: occupant.isBot }));
        this.seatKeys[seat.index] = key;
      }
      const player = state.players.get(key)!;
      setIfChanged(player, "connected", connected);
      setIfChanged(player, "zone", wireZone(seat.zone));
      setIfChanged(player, "from", wireZone(seat.from));
      setIfChanged(player, "to", wireZone(seat.to));
      setIfChanged(player, "travelMs", Math.round((seat.travelTicks * 1000) / hz));
      setIfChanged(player, "captures", occupant.captures);
      // the same contribution the result stores, capped to the wire type
      setIfChanged(player, "score", Math.min(0xffff, contribution(occupant, hz)));
    }

    sim.factions.forEach((faction, f) => {
      const view = state.factions[f]!;
      setIfChanged(view, "score", faction.score);
      setIfChanged(view, "zonesHeld", faction.zonesHeld);
      setIfChanged(view, "missionsDone", faction.missionsDone);
      setIfChanged(view, "humans", humans[f]!);
      setIfChanged(view, "bots", bots[f]!);
    });

    sim.missions.forEach((mission, i) => {
      const view = state.missions[i]!;
      const shown = missionProgressForDisplay(mission, hz);
      setIfChanged(view, "progress", Math.min(shown.progress, 0xffff));
      setIfChanged(view, "done", mission.done);
    });
  }
}
