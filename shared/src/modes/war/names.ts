/** The war's names on the wire, import-free so a load script can bundle them alone. */

/** Room name of the faction war mode. */
export const WAR_ROOM = "war" as const;

/** Zone id meaning "none": a player in transit is in no zone; a player standing still has no destination. */
export const NO_ZONE = 255;

/** Client → server message types of a war room. */
export const WarMessage = {
  /** Walk to an adjacent zone. */
  Move: "move",
} as const;

/** Server → client message types of a war room (besides the shared `error`). */
export const WarServerMessage = {
  /** Sent to a player when they take a seat: the roads with their walking times, their faction and where their unit stands. */
  Map: "map",
  /** Sent to a player when their unit arrives in a zone after a walk. */
  Arrived: "arrived",
  /** Sent once when the match ends: faction standings and every player's part. */
  Finished: "finished",
} as const;
