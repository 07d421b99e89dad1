/**
 * A Colyseus room definition per registered mode, its matchmaking filter taken from its contract,
 * and the spectator mirror room every mode shares.
 */
import { defineRoom } from "@colyseus/core";
import { matchRoomFor } from "../kit/match-room.js";
import type { RoomServices } from "../kit/services.js";
import { SPECTATE_ROOM, SpectatorRoom, authenticateSpectator } from "../kit/spectator-room.js";
import { SERVER_MODES } from "./index.js";

export function defineModeRooms(services: RoomServices) {
  class Spectate extends SpectatorRoom {
    static override onAuth = authenticateSpectator(services);
    constructor() {
      super(SERVER_MODES, services);
    }
  }
  return {
    ...Object.fromEntries(
      SERVER_MODES.map((mode) => [mode.contract.name, defineRoom(matchRoomFor(mode, services)).filterBy([...mode.contract.matchFilter])]),
    ),
    // one mirror per match (the match's room id is the filter), created on the match's node (see placeRooms)
    [SPECTATE_ROOM]: defineRoom(Spectate).filterBy(["matchRoomId"]),
  };
}
