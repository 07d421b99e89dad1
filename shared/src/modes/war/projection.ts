/**
 * The war as clients see it. Values are written only when they change (the schema then sends
 * nothing), and fast-moving values are coarse on the wire (control in percent, time in whole
 * seconds, walks as start + duration), so a quiet tick costs no bytes.
 */
import type { Projection } from "../../kit/projection.js";
import { NEUTRAL } from "./capture.js";
import { NO_ZONE, WAR_FACTIONS, WarFaction, WarMission, WarPlayer, WarState, WarZone } from "./contract.js";
import { describeMission, missionProgressForDisplay } from "./missions.js";
import type { WarMatch } from "./rules.js";
import { contribution, factionId, warStandings } from "./scoring.js";
import { factionOfSeat } from "./seats.js";
import { warSetup } from "./simulation.js";
import type { WarSettings } from "./state.js";

const wireZone = (zone: number) => (zone < 0 ? NO_ZONE : zone);
const wireFaction = (faction: number) => (faction === NEUTRAL ? "" : factionId(faction));

/** Assigns only when the value differs (a plain assignment of an equal value is also a no-op; this keeps arrays cheap too). */
function setIfChanged<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  if (target[key] !== value) target[key] = value;
}

/** The entry of `key` in the players map, created if missing. */
function playerAt(state: WarState, key: string): WarPlayer {
  let player = state.players.get(key);
  if (!player) state.players.set(key, (player = new WarPlayer()));
  return player;
}

/** Removes the players whose key is not in `keys`. */
function keepOnly(state: WarState, keys: ReadonlySet<string>): void {
  if (state.players.size > keys.size) for (const key of [...state.players.keys()]) if (!keys.has(key)) state.players.delete(key);
}

export const warProjection: Projection<WarSettings, WarMatch, WarState> = {
  create(seed, settings, matchId) {
    const { map, missions } = warSetup(seed, settings);
    const state = new WarState();
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
    return state;
  },

  /** The humans waiting in the lobby, each on their faction's home zone. */
  lobby(state, lobby) {
    const factions = state.factions.length;
    const humans = new Array<number>(factions).fill(0);
    const keys = new Set<string>();
    for (const seat of lobby.seats) {
      const faction = factionOfSeat(seat.seat, factions);
      humans[faction]!++;
      keys.add(seat.key);
      const player = playerAt(state, seat.key);
      setIfChanged(player, "name", seat.name);
      setIfChanged(player, "faction", factionId(faction));
      setIfChanged(player, "zone", state.factions[faction]!.home);
      setIfChanged(player, "connected", seat.connected);
    }
    keepOnly(state, keys);
    state.factions.forEach((faction, f) => setIfChanged(faction, "humans", humans[f]!));
  },

  project(state, match, context) {
    const { sim } = match;
    const hz = sim.settings.tickRateHz;
    setIfChanged(state, "phase", sim.over ? "finished" : "playing");
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

    const humans = new Array<number>(sim.settings.factions).fill(0);
    const bots = new Array<number>(sim.settings.factions).fill(0);
    const keys = new Set<string>();
    for (const seat of sim.seats) {
      const occupant = sim.participants[seat.occupant]!;
      (occupant.isBot ? bots : humans)[seat.faction]!++;
      const key = context.keyOf(occupant.playerId, seat.index);
      keys.add(key);
      const player = playerAt(state, key);
      setIfChanged(player, "name", occupant.name);
      setIfChanged(player, "faction", factionId(seat.faction));
      setIfChanged(player, "isBot", occupant.isBot);
      setIfChanged(player, "connected", context.connected(occupant.playerId));
      setIfChanged(player, "zone", wireZone(seat.zone));
      setIfChanged(player, "from", wireZone(seat.from));
      setIfChanged(player, "to", wireZone(seat.to));
      setIfChanged(player, "travelMs", Math.round((seat.travelTicks * 1000) / hz));
      setIfChanged(player, "captures", occupant.captures);
      // the same contribution the result stores, capped to the wire type
      setIfChanged(player, "score", Math.min(0xffff, contribution(occupant, hz)));
    }
    // a seat that changed hands, or a player back under a new session, shows under its new key only
    keepOnly(state, keys);

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

    if (sim.over && state.endReason === "") {
      const standings = warStandings(sim);
      state.winner = standings.winner ?? "";
      state.endReason = standings.reason;
    }
  },
};
