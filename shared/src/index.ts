export * from "./errors.js";
export * from "./common.js";
export * from "./race.js";
export * from "./quiz.js";
