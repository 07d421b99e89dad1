import { schema, t, type SchemaType } from "@colyseus/schema";
import * as z from "zod/mini";
import { ErrorCode } from "../../kit/errors.js";
import { int, intWithDefault } from "../../kit/common.js";
import { defineContract, payload } from "../../kit/contract.js";
import { DICE_ROOM, DiceMessage, DiceServerMessage } from "./names.js";

export * from "./names.js";

/** Bounds of what a dice match can be created with. */
export const DICE_LIMITS = {
  minPlayers: 2,
  maxPlayers: 6,
  minDice: 1,
  maxDice: 5,
  faces: 6,
} as const;

/** Options a client may pass to join or create a dice match. Unknown keys are dropped. */
export const DiceJoinOptions = z.object({
  /** Seats at the table, humans and bots together. */
  maxPlayers: intWithDefault(DICE_LIMITS.minPlayers, DICE_LIMITS.maxPlayers, 4),
  /** Dice each player starts with. */
  dice: intWithDefault(DICE_LIMITS.minDice, DICE_LIMITS.maxDice, 5),
});
export type DiceJoinOptionsInput = z.input<typeof DiceJoinOptions>;
export type DiceJoinOptions = z.output<typeof DiceJoinOptions>;

/** A bid: at least `quantity` of all the dice on the table show `face` (ones are not wild). */
export const DiceBid = z.strictObject({
  quantity: int(1, DICE_LIMITS.maxPlayers * DICE_LIMITS.maxDice),
  face: int(1, DICE_LIMITS.faces),
});
export type DiceBid = z.output<typeof DiceBid>;

/** Calling "liar" carries nothing (an empty object, or no payload at all). */
export const DiceLiar = z.optional(z.strictObject({}));
export type DiceLiar = z.output<typeof DiceLiar>;

export const DicePhase = z.enum(["waiting", "starting", "bidding", "reveal", "finished"]);
export type DicePhase = z.output<typeof DicePhase>;

/** The bid on the table; `seat` −1 when nobody has bid this round. */
export const DiceBidView = schema(
  {
    quantity: t.uint8().default(0),
    face: t.uint8().default(0),
    seat: t.int8().default(-1),
  },
  "DiceBidView",
);
export type DiceBidView = SchemaType<typeof DiceBidView>;

/** The last challenge: the bid called, by whom, how many dice showed its face, and who lost a die. */
export const DiceRevealView = schema(
  {
    round: t.uint16().default(0),
    quantity: t.uint8().default(0),
    face: t.uint8().default(0),
    bidder: t.int8().default(-1),
    challenger: t.int8().default(-1),
    /** Dice on the table that showed the bid's face. */
    count: t.uint8().default(0),
    loser: t.int8().default(-1),
  },
  "DiceRevealView",
);
export type DiceRevealView = SchemaType<typeof DiceRevealView>;

/** A seat at the table as clients see it. */
export const DicePlayer = schema(
  {
    seat: t.uint8().default(0),
    name: t.string().default(""),
    isBot: t.boolean().default(false),
    connected: t.boolean().default(true),
    /** Dice the player still holds: everyone sees how many, never which. */
    diceCount: t.uint8().default(0),
    /** 1-based final place once out (or at the end); 0 while playing. */
    placement: t.uint8().default(0),
    /** The player's own dice this round: only the owner's client receives them. */
    dice: t.array("uint8").view(),
    /** The dice this seat showed at the last reveal (empty until then, cleared by the next roll). */
    revealed: t.array("uint8"),
  },
  "DicePlayer",
);
export type DicePlayer = SchemaType<typeof DicePlayer>;

export const DiceState = schema(
  {
    matchId: t.string().default(""),
    phase: t.string().default("waiting"),
    maxPlayers: t.uint8().default(0),
    dicePerPlayer: t.uint8().default(0),
    /** Milliseconds until the lobby closes, while `phase` is starting. */
    startsInMs: t.uint32().default(0),
    round: t.uint16().default(0),
    /** Seat whose turn it is; −1 outside bidding. */
    turnSeat: t.int8().default(-1),
    /** Milliseconds left in the turn (or in the reveal pause). */
    timeLeftMs: t.uint32().default(0),
    turnMs: t.uint32().default(0),
    /** Dice on the table, everyone's together. */
    totalDice: t.uint8().default(0),
    bid: t.ref(DiceBidView).default(() => new DiceBidView()),
    reveal: t.ref(DiceRevealView).default(() => new DiceRevealView()),
    /** Players by session id (humans) or `bot-<seat>`. */
    players: t.map(DicePlayer),
  },
  "DiceState",
);
export type DiceState = SchemaType<typeof DiceState>;

/** A bid as messages carry it. */
export interface DiceBidPayload {
  quantity: number;
  face: number;
  seat: number;
}

/** Payload of `roll`: the receiving seat's own dice, sorted. */
export interface DiceRollPayload {
  round: number;
  seat: number;
  dice: number[];
}

/** Payload of `turn`. */
export interface DiceTurnPayload {
  round: number;
  /** Seat to play: bid higher than `bid`, or call liar on it. */
  seat: number;
  /** The bid to beat; null at the start of a round (any bid will do). */
  bid: DiceBidPayload | null;
  /** Milliseconds until the turn times out and the seat's bot plays it. */
  timeLeftMs: number;
  /** Dice held by each seat, by seat (0: out). */
  diceCounts: number[];
  totalDice: number;
}

/** Payload of `reveal`. */
export interface DiceRevealPayload {
  round: number;
  bid: DiceBidPayload;
  challenger: number;
  /** Dice on the table that showed the bid's face. */
  count: number;
  /** The bid stood (`count >= quantity`): the challenger lost a die; otherwise the bidder did. */
  bidStood: boolean;
  loser: number;
  /** The loser has no dice left. */
  eliminated: boolean;
  /** Every seat's dice of the round, by seat (empty: out before the round). */
  dice: number[][];
  diceCounts: number[];
}

/** One row of the final standings. */
export interface DiceStanding {
  seat: number;
  /** The player's session in this room ("" for bots). */
  sessionId: string;
  playerId: string;
  name: string;
  isBot: boolean;
  placement: number;
  score: number;
  leftEarly: boolean;
  diceLost: number;
}

/** Payload of `finished`. */
export interface DiceFinishedPayload {
  matchId: string;
  status: "completed" | "aborted";
  reason: string;
  rounds: number;
  standings: DiceStanding[];
}

/** Liar's dice's wire contract. */
export const dice = defineContract({
  name: DICE_ROOM,
  options: DiceJoinOptions,
  messages: { [DiceMessage.Bid]: DiceBid, [DiceMessage.Liar]: DiceLiar },
  events: {
    [DiceServerMessage.Roll]: payload<DiceRollPayload>(),
    [DiceServerMessage.Turn]: payload<DiceTurnPayload>(),
    [DiceServerMessage.Reveal]: payload<DiceRevealPayload>(),
    [DiceServerMessage.Finished]: payload<DiceFinishedPayload>(),
  },
  state: DiceState,
  playersField: "players",
  errors: [ErrorCode.WrongPhase, ErrorCode.NotParticipant, ErrorCode.NotYourTurn, ErrorCode.InvalidBid],
});
