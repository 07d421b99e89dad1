import { RACE_LIMITS } from "@arena/shared/modes/race/contract";
import { raceAnnouncements } from "@arena/shared/modes/race/announce";
import { raceProjection } from "@arena/shared/modes/race/projection";
import { raceRules } from "@arena/shared/modes/race/rules";
import { replayKit, type WebMode } from "../web-mode.js";
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
  replay: replayKit({ rules: raceRules, projection: raceProjection, announcements: raceAnnouncements }),
};
