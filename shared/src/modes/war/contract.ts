import { schema, t, type SchemaType } from "@colyseus/schema";
import * as z from "zod/mini";
import { int } from "../../kit/common.js";
import { ErrorCode } from "../../kit/errors.js";
import { defineContract, payload } from "../../kit/contract.js";
import { NO_ZONE, WAR_ROOM, WarMessage, WarServerMessage } from "./names.js";

export * from "./names.js";

/** The factions a war can have, in seat order: a war of two uses the first two. */
export const WAR_FACTIONS = [
  { id: "red", name: "Red", color: "#e53935" },
  { id: "blue", name: "Blue", color: "#1e88e5" },
  { id: "green", name: "Green", color: "#43a047" },
] as const;

/** Faction ids in seat order: index f is the faction of seats f, f + factions, … */
export const WAR_FACTION_IDS = ["red", "blue", "green"] as const;
export const WarFactionId = z.enum(WAR_FACTION_IDS);
export type WarFactionId = z.output<typeof WarFactionId>;

/** Bounds of what a war can be created with. */
export const WAR_LIMITS = {
  minFactions: 2,
  maxFactions: 3,
  minPlayers: 2,
  maxPlayers: 12,
  minScoreLimit: 5,
  maxScoreLimit: 100_000,
  minTimeLimitS: 5,
  maxTimeLimitS: 3600,
  minZones: 5,
  maxZones: 9,
} as const;

/** A limit a match may lower: 0 or left out means the server's own limit. */
const lowerLimit = (min: number, max: number) =>
  z._default(
    int(0, max).check(z.refine((limit) => limit === 0 || limit >= min, `must be 0 (the server's limit) or at least ${min}`)),
    0,
  );

/**
 * Options a client may pass to join or create a war. Unknown keys are dropped.
 * `scoreLimit` and `timeLimit` may only lower the server's limits (WAR_SCORE_LIMIT, WAR_TIME_LIMIT_S).
 */
export const WarJoinOptions = z
  .object({
    /** Preferred faction. A full faction is not an error: the player joins the faction with the fewest humans. */
    faction: z.optional(WarFactionId),
    factions: z._default(int(WAR_LIMITS.minFactions, WAR_LIMITS.maxFactions), 2),
    /** Seats in the match, humans and bots together; a multiple of `factions`. */
    maxPlayers: z._default(int(WAR_LIMITS.minPlayers, WAR_LIMITS.maxPlayers), 6),
    scoreLimit: lowerLimit(WAR_LIMITS.minScoreLimit, WAR_LIMITS.maxScoreLimit),
    /** Seconds. */
    timeLimit: lowerLimit(WAR_LIMITS.minTimeLimitS, WAR_LIMITS.maxTimeLimitS),
  })
  .check(
    z.superRefine((options, ctx) => {
      if (options.maxPlayers % options.factions !== 0) {
        ctx.addIssue({
          code: "custom",
          path: ["maxPlayers"],
          message: `maxPlayers must be a multiple of factions (${options.factions})`,
        });
      }
      if (options.faction && WAR_FACTION_IDS.indexOf(options.faction) >= options.factions) {
        ctx.addIssue({
          code: "custom",
          path: ["faction"],
          message: `a war of ${options.factions} factions has ${WAR_FACTION_IDS.slice(0, options.factions).join(", ")}`,
        });
      }
    }),
  );
/** What a client sends (defaults optional). */
export type WarJoinOptionsInput = z.input<typeof WarJoinOptions>;
/** What the server works with after validation. */
export type WarJoinOptions = z.output<typeof WarJoinOptions>;

/** Walk from the current zone to an adjacent one. Zone ids out of the map get `INVALID_MOVE`. */
export const WarMove = z.strictObject({
  to: int(0, NO_ZONE),
});
export type WarMove = z.output<typeof WarMove>;

export const WarPhase = z.enum(["waiting", "playing", "finished"]);
export type WarPhase = z.output<typeof WarPhase>;

export const WarMissionKind = z.enum(["capture", "hold", "dominate"]);
export type WarMissionKind = z.output<typeof WarMissionKind>;

export const WarEndReason = z.enum(["score-limit", "time-limit", "abandoned", "shutdown"]);
export type WarEndReason = z.output<typeof WarEndReason>;

/**
 * A zone of the map. `id`, `name`, `x`, `y` (0..100, for drawing) and `neighbours` never change;
 * the rest follows the fight.
 */
export const WarZone = schema(
  {
    id: t.uint8().default(0),
    name: t.string().default(""),
    x: t.uint8().default(0),
    y: t.uint8().default(0),
    neighbours: t.array("uint8"),
    /** Faction id of the owner; "" while neutral. */
    owner: t.string().default(""),
    /** Faction whose control is on the zone (the owner's, or the one taking it); "" when none. */
    controlFaction: t.string().default(""),
    /** Control of `controlFaction` in percent: 100 = captured. */
    control: t.uint8().default(0),
    /** Two or more factions tie for the most units here: control does not move. */
    contested: t.boolean().default(false),
    /** Units present per faction, in the order of `WarState.factions`. */
    presence: t.array("uint8"),
  },
  "WarZone",
);
export type WarZone = SchemaType<typeof WarZone>;

export const WarFaction = schema(
  {
    id: t.string().default(""),
    color: t.string().default(""),
    /** Zone where this faction's players start. */
    home: t.uint8().default(0),
    score: t.uint32().default(0),
    zonesHeld: t.uint8().default(0),
    missionsDone: t.uint8().default(0),
    humans: t.uint8().default(0),
    bots: t.uint8().default(0),
  },
  "WarFaction",
);
export type WarFaction = SchemaType<typeof WarFaction>;

/** A faction's objective. `target` and `progress` are seconds (hold), zones (dominate) or 0/1 (capture). */
export const WarMission = schema(
  {
    id: t.uint8().default(0),
    faction: t.string().default(""),
    kind: t.string<WarMissionKind>().default("capture"),
    /** The zone the mission is about; NO_ZONE for "dominate". */
    zone: t.uint8().default(NO_ZONE),
    target: t.uint16().default(0),
    progress: t.uint16().default(0),
    /** Points the faction gets when the mission is done. */
    bonus: t.uint16().default(0),
    done: t.boolean().default(false),
    description: t.string().default(""),
  },
  "WarMission",
);
export type WarMission = SchemaType<typeof WarMission>;

/**
 * A player (human or bot). Keys of `WarState.players`: the session id for humans, `bot-<seat>` for bots.
 * In transit, `zone` is NO_ZONE (present nowhere) and `from`/`to`/`travelMs` describe the walk.
 */
export const WarPlayer = schema(
  {
    name: t.string().default(""),
    faction: t.string().default(""),
    isBot: t.boolean().default(false),
    connected: t.boolean().default(true),
    zone: t.uint8().default(NO_ZONE),
    from: t.uint8().default(NO_ZONE),
    to: t.uint8().default(NO_ZONE),
    /** Duration of the current walk; clients animate it with their own clock. */
    travelMs: t.uint16().default(0),
    /** Contribution points (see the README). */
    score: t.uint16().default(0),
    captures: t.uint8().default(0),
  },
  "WarPlayer",
);
export type WarPlayer = SchemaType<typeof WarPlayer>;

export const WarState = schema(
  {
    phase: t.string<WarPhase>().default("waiting"),
    matchId: t.string().default(""),
    maxPlayers: t.uint8().default(0),
    scoreLimit: t.uint32().default(0),
    timeLimitS: t.uint16().default(0),
    /** Whole seconds since the start. */
    elapsedS: t.uint16().default(0),
    zones: t.array(WarZone),
    factions: t.array(WarFaction),
    missions: t.array(WarMission),
    players: t.map(WarPlayer),
    /** Set when finished: the winning faction id, "" for a draw. */
    winner: t.string().default(""),
    endReason: t.string().default(""),
  },
  "WarState",
);
export type WarState = SchemaType<typeof WarState>;

export interface WarFactionResult {
  faction: WarFactionId;
  placement: number;
  score: number;
  zonesHeld: number;
  captures: number;
  missionsDone: number;
}

export interface WarPlayerResult {
  /** The player's last session in this room; null for bots. */
  sessionId: string | null;
  playerId: string;
  name: string;
  faction: WarFactionId;
  isBot: boolean;
  /** The faction's placement. */
  placement: number;
  /** Contribution points. */
  score: number;
  captures: number;
  missions: number;
  /** Left before the end (a bot finished the match in that seat). */
  leftEarly: boolean;
  reputationDelta: number;
}

/** Payload of the `finished` message. */
export interface WarFinishedPayload {
  matchId: string;
  status: "completed" | "aborted";
  reason: WarEndReason;
  /** The faction placed first alone; null for a draw. */
  winner: WarFactionId | null;
  factions: WarFactionResult[];
  players: WarPlayerResult[];
}

/** Payload of the `map` message. */
export interface WarMapPayload {
  faction: string;
  /** The unit's zone when the seat was taken; `NO_ZONE` while it walks. */
  zone: number;
  zones: Array<{ id: number; name: string; neighbours: number[]; travelMs: number[] }>;
}

/** Payload of the `arrived` message. */
export interface WarArrivedPayload {
  zone: number;
}

/** The war's wire contract. */
export const war = defineContract({
  name: WAR_ROOM,
  options: WarJoinOptions,
  wishes: ["faction"],
  messages: { [WarMessage.Move]: WarMove },
  events: {
    [WarServerMessage.Map]: payload<WarMapPayload>(),
    [WarServerMessage.Arrived]: payload<WarArrivedPayload>(),
    [WarServerMessage.Finished]: payload<WarFinishedPayload>(),
  },
  state: WarState,
  playersField: "players",
  errors: [ErrorCode.WrongPhase, ErrorCode.NotParticipant, ErrorCode.InvalidMove],
});
