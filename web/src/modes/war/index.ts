import { WAR_FACTIONS, WAR_LIMITS } from "@arena/shared/modes/war/contract";
import { warAnnouncements } from "@arena/shared/modes/war/announce";
import { warProjection } from "@arena/shared/modes/war/projection";
import { warRules } from "@arena/shared/modes/war/rules";
import { replayKit, type WebMode } from "../web-mode.js";
import { warView } from "./view.js";

export const warWeb: WebMode<"war"> = {
  title: "War",
  blurb: "Factions fight over a map of zones; bots fill free seats.",
  options: [
    { key: "factions", label: "Factions", kind: "number", min: WAR_LIMITS.minFactions, max: WAR_LIMITS.maxFactions, value: 2 },
    { key: "maxPlayers", label: "Seats (humans + bots)", kind: "number", min: WAR_LIMITS.minPlayers, max: WAR_LIMITS.maxPlayers, value: 4 },
    { key: "faction", label: "Your faction", kind: "select", emptyMeansUnset: true, choices: [["", "any"], ...WAR_FACTIONS.map((f) => [f.id, f.name] as const)] },
    { key: "timeLimit", label: "Time limit (s)", kind: "number", min: 0, max: WAR_LIMITS.maxTimeLimitS, value: 120, step: 5 },
  ],
  view: warView,
  replay: replayKit({ rules: warRules, projection: warProjection, announcements: warAnnouncements }),
};
