import type { WarRoom } from "@arena/client-sdk";

/** Walks a war player's unit to a neighbouring zone every `everyMs` while the war runs, so its log holds moves; returns the stop. */
export function walkAbout(room: WarRoom, everyMs: number): () => void {
  const walking = setInterval(() => {
    const zone = room.me?.zone;
    const to = zone === undefined ? undefined : room.state.zones[zone]?.neighbours[0];
    if (room.state.phase === "playing" && to !== undefined) room.send("move", { to });
  }, everyMs);
  return () => clearInterval(walking);
}
