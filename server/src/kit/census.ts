/** Rooms alive on this process and what they send, for the rooms/clients gauges and the byte counters. */
import type { EventEmitter } from "node:events";
import { matchMaker, type Client, type Room } from "@colyseus/core";
import { SPECTATE_ROOM } from "@arena/shared";
import type { FrameKind, ModeTally, RoomCensus } from "../observability/metrics.js";

const liveRooms = new Set<Room>();

/** Counts a room until Colyseus disposes of it (or discards it after a failed onCreate). */
export function enrol(room: Room): void {
  liveRooms.add(room);
  (room as unknown as { _events: EventEmitter })._events.once("disconnect", () => liveRooms.delete(room));
}


export const roomCensus: RoomCensus = {
  count() {
    const out = new Map<string, { rooms: number; clients: number; spectators: number }>();
    const entry = (mode: string) => {
      let found = out.get(mode);
      if (!found) out.set(mode, (found = { rooms: 0, clients: 0, spectators: 0 }));
      return found;
    };
    // every registered mode reports, with zeros when it has no rooms
    for (const mode of Object.keys(matchMaker.getAllHandlers())) if (mode !== SPECTATE_ROOM) entry(mode);
    for (const room of liveRooms) {
      if (room.roomName === SPECTATE_ROOM) {
        const mode = (room.metadata as { mode?: unknown } | undefined)?.mode;
        if (typeof mode === "string") entry(mode).spectators += room.clients.length;
        continue;
      }
      const counted = entry(room.roomName);
      counted.rooms++;
      counted.clients += room.clients.length;
    }
    return out;
  },
};

/** Protocol code (low 5 bits of byte 0) → kind of bytes, for `arena_bytes_sent_total`. */
function frameKind(frame: Uint8Array | Buffer): FrameKind {
  switch ((frame[0] ?? 0) & 0x1f) {
    case 15:
      return "patch";
    case 14:
      return "full_state";
    case 13:
      return "message";
    default:
      return "other";
  }
}

type Socket = { send: (data: Uint8Array | Buffer, ...rest: unknown[]) => void; metered?: boolean };

/** Counts what is written to a client's socket, by kind of frame (patches, full state, messages). */
export function meterSocket(client: Client, tally: ModeTally): void {
  const socket = client.ref as unknown as Socket;
  if (socket.metered) return;
  const send = socket.send.bind(socket);
  const bytes = tally.bytes;
  socket.send = (data, ...rest) => {
    bytes[frameKind(data)] += data.byteLength;
    send(data, ...rest);
  };
  socket.metered = true;
}
