import { schema, t, type SchemaType } from "@colyseus/schema";
import * as z from "zod/mini";
import { ErrorCode } from "../../kit/errors.js";
import { intWithDefault } from "../../kit/common.js";
import { defineContract, payload } from "../../kit/contract.js";
import { RACE_ROOM, RaceMessage, RaceServerMessage } from "./names.js";

export * from "./names.js";

/** Bounds of what a race can be created with. */
export const RACE_LIMITS = {
  minTrackLength: 50,
  maxTrackLength: 5000,
  minPlayers: 2,
  maxPlayers: 8,
  minLanes: 2,
  maxLanes: 6,
} as const;

/** Options a client may pass to join or create a race. Unknown keys are dropped; the name comes from the player token. */
export const RaceJoinOptions = z.object({
  /** Track length in metres; short tracks make quick test races. */
  trackLength: intWithDefault(RACE_LIMITS.minTrackLength, RACE_LIMITS.maxTrackLength, 1000),
  maxPlayers: intWithDefault(RACE_LIMITS.minPlayers, RACE_LIMITS.maxPlayers, 4),
  lanes: intWithDefault(RACE_LIMITS.minLanes, RACE_LIMITS.maxLanes, 4),
});
/** What a client sends (defaults optional). */
export type RaceJoinOptionsInput = z.input<typeof RaceJoinOptions>;
/** What the server works with after validation. */
export type RaceJoinOptions = z.output<typeof RaceJoinOptions>;

/** One control input. Throttle and lane persist until the next input; boost is a one-shot request. */
export const RaceInput = z.strictObject({
  throttle: z.number().check(z.minimum(0), z.maximum(1)),
  /** −1 = one lane left, +1 = one lane right, 0 = keep lane. */
  steer: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
  boost: z.boolean(),
  /** Optional client sequence number, echoed nowhere; useful for client-side bookkeeping. */
  seq: z.optional(z.int().check(z.minimum(0), z.maximum(0xffffffff))),
});
export type RaceInput = z.output<typeof RaceInput>;

export const RacePhase = z.enum(["waiting", "countdown", "racing", "finished"]);
export type RacePhase = z.output<typeof RacePhase>;

/** An obstacle or boost pad at a lane and distance along the track. */
export const TrackFeature = schema(
  {
    lane: t.uint8().default(0),
    position: t.uint16().default(0),
  },
  "TrackFeature",
);
export type TrackFeature = SchemaType<typeof TrackFeature>;

export const TrackView = schema(
  {
    length: t.uint16().default(0),
    lanes: t.uint8().default(0),
    obstacles: t.array(TrackFeature),
    boostPads: t.array(TrackFeature),
  },
  "TrackView",
);
export type TrackView = SchemaType<typeof TrackView>;

/** A racer as clients see it. Positions are quantized to 1/8 m, speeds to 1/4 m/s. */
export const Racer = schema(
  {
    name: t.string().default(""),
    lane: t.uint8().default(0),
    position: t.quantized({ min: 0, max: 8191.875, bits: 16 }).default(0),
    speed: t.quantized({ min: 0, max: 63.75, bits: 8 }).default(0),
    boosting: t.boolean().default(false),
    /** Milliseconds until boost can be used again (0 = ready). */
    boostCooldownMs: t.uint16().default(0),
    /** 1-based finishing place; 0 while racing. */
    place: t.uint8().default(0),
    finishTimeMs: t.uint32().default(0),
    dnf: t.boolean().default(false),
    connected: t.boolean().default(true),
  },
  "Racer",
);
export type Racer = SchemaType<typeof Racer>;

export const RaceState = schema(
  {
    phase: t.string().default("waiting"),
    maxPlayers: t.uint8().default(0),
    /** Milliseconds left in the countdown phase. */
    countdownMs: t.uint16().default(0),
    /** Milliseconds since the start signal. */
    elapsedMs: t.uint32().default(0),
    timeLimitMs: t.uint32().default(0),
    track: t.ref(TrackView).default(() => new TrackView()),
    racers: t.map(Racer),
    /** Session ids in finishing order. */
    finishOrder: t.array("string"),
  },
  "RaceState",
);
export type RaceState = SchemaType<typeof RaceState>;

/** One row of the final standings. */
export interface RaceStanding {
  sessionId: string;
  playerId: string;
  name: string;
  place: number;
  finishTimeMs: number | null;
  dnf: boolean;
  score: number;
}

/** Payload of the `countdown` message. */
export interface RaceCountdownPayload {
  countdownMs: number;
}

/** Payload of the `started` message. */
export interface RaceStartedPayload {
  timeLimitMs: number;
}

/** Payload of the `finished` message. */
export interface RaceFinishedPayload {
  matchId: string;
  standings: RaceStanding[];
}

/** The race's wire contract. */
export const race = defineContract({
  name: RACE_ROOM,
  options: RaceJoinOptions,
  messages: { [RaceMessage.Input]: RaceInput },
  events: {
    [RaceServerMessage.Countdown]: payload<RaceCountdownPayload>(),
    [RaceServerMessage.Started]: payload<RaceStartedPayload>(),
    [RaceServerMessage.Finished]: payload<RaceFinishedPayload>(),
  },
  state: RaceState,
  playersField: "racers",
  errors: [ErrorCode.WrongPhase, ErrorCode.NotParticipant],
});
