/** A Colyseus room definition per registered mode, its matchmaking filter taken from its contract. */
import { defineRoom } from "@colyseus/core";
import { matchRoomFor } from "../kit/match-room.js";
import type { RoomServices } from "../kit/services.js";
import { SERVER_MODES } from "./index.js";

export function defineModeRooms(services: RoomServices) {
  return Object.fromEntries(
    SERVER_MODES.map((mode) => [mode.contract.name, defineRoom(matchRoomFor(mode, services)).filterBy([...mode.contract.matchFilter])]),
  );
}
