/**
 * The wire contract: what every room sends and accepts, for the server and every client.
 * A mode's own types live in its folder (`@arena/shared/modes/<mode>/contract`); its pure rules
 * beside them (`.../rules`, `.../projection`), for the server, replays and the browser.
 */
export * from "./kit/errors.js";
export * from "./kit/common.js";
export * from "./kit/contract.js";
export * from "./kit/ranks.js";
export * from "./kit/http.js";
export * from "./kit/queue.js";
export * from "./modes/index.js";
export { FINISHED_MESSAGE, SPECTATE_ROOM } from "./kit/names.js";
