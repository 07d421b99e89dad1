/** Names every room uses on the wire, import-free so a load script can bundle them alone. */
export { ERROR_MESSAGE, ErrorCode } from "./errors.js";

/** The message every mode sends once when its match ends. */
export const FINISHED_MESSAGE = "finished" as const;

/** Room name of the spectator mirrors: join it with `{ matchRoomId }` (a live match's room id) to watch it. */
export const SPECTATE_ROOM = "spectate" as const;
