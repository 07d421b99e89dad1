/**
 * `GET /rooms` and `GET /rooms/:id`: live rooms from the room listings (every node's with Redis),
 * with their mode, phase, players and spectators — what a lobby's "Watch" list needs.
 */
import type { Router } from "express";
import { matchMaker, type IRoomCache } from "@colyseus/core";
import { ErrorCode, MODE_NAMES, RoomsQuery, isModeName, type RoomSummary, type RoomsResponse } from "@arena/shared";
import { SPECTATE_ROOM } from "../kit/spectator-room.js";
import { HttpError, handle, parseInput } from "./errors.js";

interface MatchMetadata {
  phase?: RoomSummary["phase"];
  seats?: number;
  startedAt?: string;
  matchRoomId?: string;
}

/** Every live room of a mode, with the spectators of its mirrors counted in. */
async function liveRooms(): Promise<RoomSummary[]> {
  const listings = (await matchMaker.query({})) as IRoomCache<MatchMetadata>[];
  const spectators = new Map<string, number>();
  for (const listing of listings) {
    const watched = listing.name === SPECTATE_ROOM ? listing.metadata?.matchRoomId : undefined;
    if (watched) spectators.set(watched, (spectators.get(watched) ?? 0) + listing.clients);
  }
  return listings
    .filter((listing) => isModeName(listing.name))
    .map((listing) => ({
      roomId: listing.roomId,
      mode: listing.name,
      phase: listing.metadata?.phase ?? "lobby",
      players: listing.clients,
      seats: listing.metadata?.seats ?? listing.maxClients,
      spectators: spectators.get(listing.roomId) ?? 0,
      startedAt: listing.metadata?.startedAt ?? null,
    }));
}

export function mountRoomRoutes(router: Router): void {
  router.get(
    "/rooms",
    handle(async (req, res) => {
      const query = parseInput(RoomsQuery, req.query, "query");
      if (query.mode !== undefined && !isModeName(query.mode)) {
        throw new HttpError(400, ErrorCode.InvalidQuery, `query: mode: no such mode; modes: ${MODE_NAMES.join(", ")}`);
      }
      const all = (await liveRooms())
        .filter((room) => (query.mode === undefined || room.mode === query.mode) && (query.phase === undefined || room.phase === query.phase))
        // running matches first, the longest running first; then lobbies
        .sort((a, b) => (a.startedAt ?? "~").localeCompare(b.startedAt ?? "~") || a.roomId.localeCompare(b.roomId));
      const body: RoomsResponse = { rooms: all.slice(query.offset, query.offset + query.limit), total: all.length, limit: query.limit, offset: query.offset };
      res.json(body);
    }),
  );

  router.get(
    "/rooms/:id",
    handle(async (req, res) => {
      const id = String(req.params.id);
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new HttpError(400, ErrorCode.InvalidQuery, "room id must be a room id");
      const room = (await liveRooms()).find((r) => r.roomId === id);
      if (!room) throw new HttpError(404, ErrorCode.NotFound, "no such live room");
      res.json(room);
    }),
  );
}
