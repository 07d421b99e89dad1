/**
 * A Colyseus room definition per registered mode, its matchmaking filter taken from its contract;
 * a queue per mode that queues, filtered alike; parties; and the spectator mirror room every mode shares.
 */
import { defineRoom } from "@colyseus/core";
import { matchRoomFor } from "../kit/match-room.js";
import type { RoomServices } from "../kit/services.js";
import { SPECTATE_ROOM, SpectatorRoom, authenticateSpectator } from "../kit/spectator-room.js";
import { PARTY_ROOM, queueRoomName } from "@arena/shared";
import { partyRoomFor } from "../party/party-room.js";
import { queueRoomFor } from "../queue/queue-room.js";
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
    // one queue per mode and matchmaking filter, found from any node like any room
    ...Object.fromEntries(
      SERVER_MODES.filter((mode) => mode.queue).map((mode) => [queueRoomName(mode.contract.name), defineRoom(queueRoomFor(mode, services)).filterBy([...mode.contract.matchFilter])]),
    ),
    [PARTY_ROOM]: defineRoom(partyRoomFor(SERVER_MODES, services)).filterBy(["code"]),
    // one mirror per match (the match's room id is the filter), created on the match's node (see placeRooms)
    [SPECTATE_ROOM]: defineRoom(Spectate).filterBy(["matchRoomId"]),
  };
}
