/** The race as clients see it: the track, every racer's lane, position and speed, phase and clocks. */
import type { Projection } from "../../kit/projection.js";
import { RaceState, Racer, TrackFeature, type RacePhase } from "./contract.js";
import type { RaceMatch, RaceSettings } from "./rules.js";
import { generateTrack } from "./track.js";

const msOf = (ticks: number, hz: number) => Math.round((ticks * 1000) / hz);

export const raceProjection: Projection<RaceSettings, RaceMatch, RaceState> = {
  create(seed, settings) {
    const track = generateTrack(seed, settings.trackLength, settings.lanes);
    const state = new RaceState();
    state.maxPlayers = settings.maxPlayers;
    state.track.length = track.length;
    state.track.lanes = track.lanes;
    for (const o of track.obstacles) state.track.obstacles.push(new TrackFeature().assign(o));
    for (const p of track.boostPads) state.track.boostPads.push(new TrackFeature().assign(p));
    return state;
  },

  lobby(state, lobby) {
    const present = new Set(lobby.seats.map((s) => s.key));
    for (const key of [...state.racers.keys()]) if (!present.has(key)) state.racers.delete(key);
    for (const seat of lobby.seats) {
      let racer = state.racers.get(seat.key);
      if (!racer) state.racers.set(seat.key, (racer = new Racer()));
      racer.name = seat.name;
      racer.lane = seat.seat % state.track.lanes;
      racer.connected = seat.connected;
    }
  },

  project(state, match, context) {
    const { sim } = match;
    const hz = sim.tickRateHz;
    const phase: RacePhase = sim.over ? "finished" : match.countdownTicks > 0 ? "countdown" : "racing";
    if (state.phase !== phase) state.phase = phase;
    state.countdownMs = msOf(match.countdownTicks, hz);
    state.timeLimitMs = msOf(sim.timeLimitTicks, hz);
    state.elapsedMs = msOf(sim.tick, hz);
    const keys = new Set<string>();
    for (const player of match.players) {
      const key = context.keyOf(player.playerId, player.seat);
      keys.add(key);
      const simRacer = sim.racers.find((r) => r.slot === player.seat);
      if (!simRacer) continue;
      let racer = state.racers.get(key);
      if (!racer) {
        state.racers.set(key, (racer = new Racer()));
        racer.name = player.name;
      }
      racer.connected = context.connected(player.playerId);
      racer.lane = simRacer.lane;
      racer.position = simRacer.position;
      racer.speed = simRacer.speed;
      racer.boosting = simRacer.boostTicks > 0;
      racer.boostCooldownMs = msOf(simRacer.boostCooldownTicks, hz);
      if (simRacer.dnf && !racer.dnf) racer.dnf = true;
      if (simRacer.finishTimeMs !== null && racer.place === 0) {
        racer.place = simRacer.place;
        racer.finishTimeMs = Math.round(simRacer.finishTimeMs);
      }
    }
    // a player who came back under a new session shows under that key only
    if (state.racers.size > keys.size) for (const key of [...state.racers.keys()]) if (!keys.has(key)) state.racers.delete(key);
    // finish order as session keys, appended as racers cross
    for (let i = state.finishOrder.length; i < sim.finishOrder.length; i++) {
      const slot = sim.finishOrder[i]!;
      const player = match.players.find((p) => p.seat === slot);
      if (player) state.finishOrder.push(context.keyOf(player.playerId, slot));
    }
  },
};
