export * from "./errors.js";
export * from "./common.js";
export * from "./ranks.js";
export * from "./http.js";
export * from "./race.js";
export * from "./war.js";
export * from "./quiz.js";
