import { RACE_LIMITS } from "@arena/shared/modes/race/contract";
import type { WebMode } from "../web-mode.js";
import { raceView } from "./view.js";

export const raceWeb: WebMode<"race"> = {
  title: "Race",
  blurb: "Lanes, obstacles and boost pads. First over the line wins.",
  options: [
    { key: "trackLength", label: "Track length (m)", kind: "number", min: RACE_LIMITS.minTrackLength, max: RACE_LIMITS.maxTrackLength, value: 300, step: 10 },
    { key: "maxPlayers", label: "Racers", kind: "number", min: RACE_LIMITS.minPlayers, max: RACE_LIMITS.maxPlayers, value: 2 },
    { key: "lanes", label: "Lanes", kind: "number", min: RACE_LIMITS.minLanes, max: RACE_LIMITS.maxLanes, value: 4 },
  ],
  view: raceView,
};
