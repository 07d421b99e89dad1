/**
 * Liar's dice as pure rules over an event clock (milliseconds since the start): bids and calls are
 * inputs; the turn timer, the bots' thinking time and the reveal pause are deadlines. Every die is
 * rolled from the generator in the state, so seed + settings + input log give the same match.
 */
import { ErrorCode } from "../../kit/errors.js";
import { deriveSeed, nextFloat, type RngState } from "../../kit/random.js";
import { refuse, sharedPlacements, type InputCodec, type MatchOutcome, type ModeRules, type Refusal, type RulesInput, type Standing, type Step } from "../../kit/rules.js";
import { beats, decide, type DiceAction } from "./bots.js";
import { DICE_LIMITS, type DiceBid, type DiceBidPayload, type DiceLiar, type DiceRevealPayload } from "./contract.js";

export const DICE_RULES_VERSION = 1;

/** Settings a match is played with; stored with it. */
export interface DiceSettings {
  /** Seats at the table (humans and bots). */
  maxPlayers: number;
  /** Dice each seat starts with. */
  dice: number;
  /** A turn's time; then the seat's bot plays it. */
  turnMs: number;
  /** Pause after a challenge before the next round is rolled. */
  revealMs: number;
  /** A bot moves after 50–100 % of this. */
  botThinkMs: number;
}

export type DiceMessages = { bid: DiceBid; liar: DiceLiar };

/** Someone who played a seat: a human, or the seat's bot. */
export interface DiceParticipant {
  playerId: string;
  name: string;
  isBot: boolean;
  seat: number;
  /** Playing the seat now. */
  active: boolean;
  /** When this participant stopped playing, as a count (1 = first out); null while active. */
  outOrder: number | null;
  /** Stopped playing while the seat still had dice (a human who left, a bot replaced by a human). */
  leftEarly: boolean;
  diceLost: number;
  bids: number;
  /** Liar calls made, and those that were right. */
  challenges: number;
  challengesWon: number;
  /** Turns the timer played for this human. */
  timeouts: number;
}

export interface DiceSeat {
  /** Dice held; 0 once the seat is out. */
  count: number;
  /** This round's dice, sorted (kept through the reveal). */
  dice: number[];
  /** Index into `participants` of who plays the seat. */
  occupant: number;
}

export type DiceEvent =
  /** A round began: every seat still in has rolled new dice. */
  | { type: "round"; round: number }
  /** The turn passed to `match.turn`, or its timer restarted. */
  | { type: "turn" }
  | { type: "bid"; bid: DiceBidPayload; auto: boolean }
  | { type: "reveal"; reveal: DiceRevealPayload }
  /** Who plays a seat changed (a human took it from its bot, or handed it back). */
  | { type: "seat"; seat: number; playerId: string; isBot: boolean }
  | { type: "over" };

/** The rules state: plain data (a replay viewer clones it to seek). */
export interface DiceMatch {
  settings: DiceSettings;
  rng: RngState;
  now: number;
  phase: "bidding" | "reveal" | "over";
  round: number;
  seats: DiceSeat[];
  participants: DiceParticipant[];
  /** Seat to play; −1 outside bidding. */
  turn: number;
  bid: DiceBidPayload | null;
  /** This round's bids, oldest first. */
  bids: DiceBidPayload[];
  turnEndsAt: number;
  /** When the bot in the turn's seat moves; null on a human's turn. */
  botMovesAt: number | null;
  revealEndsAt: number;
  /** Seat that opens the round after the reveal. */
  opener: number;
  /** The last challenge. */
  reveal: DiceRevealPayload | null;
  outs: number;
  stopped: boolean;
}

const BOT_NAMES = ["Ace", "Deuce", "Trey", "Cater", "Cinque", "Sice"];

/** A seat's bot has the same player id in every match: a dice match adds at most six bot rows. */
export function diceBotId(seat: number): string {
  return `d1ce0000-0000-4000-8000-${(seat + 1).toString(16).padStart(12, "0")}`;
}

export function diceBotName(seat: number): string {
  return `${BOT_NAMES[seat % BOT_NAMES.length]} (bot)`;
}

function draw(match: DiceMatch): number {
  const [value, next] = nextFloat(match.rng);
  match.rng = next;
  return value;
}

function participant(playerId: string, name: string, isBot: boolean, seat: number): DiceParticipant {
  return { playerId, name, isBot, seat, active: true, outOrder: null, leftEarly: false, diceLost: 0, bids: 0, challenges: 0, challengesWon: 0, timeouts: 0 };
}

export function occupantOf(match: DiceMatch, seat: number): DiceParticipant {
  return match.participants[match.seats[seat]!.occupant]!;
}

export function totalDice(match: DiceMatch): number {
  return match.seats.reduce((sum, seat) => sum + seat.count, 0);
}

export function seatsIn(match: DiceMatch): number[] {
  return match.seats.flatMap((seat, index) => (seat.count > 0 ? [index] : []));
}

/** The next seat after `from` that still has dice. */
function nextSeatIn(match: DiceMatch, from: number): number {
  const n = match.seats.length;
  for (let step = 1; step <= n; step++) {
    const seat = (from + step) % n;
    if (match.seats[seat]!.count > 0) return seat;
  }
  return from;
}

function beginTurn(match: DiceMatch, seat: number, at: number, events: DiceEvent[]): void {
  match.turn = seat;
  match.turnEndsAt = at + match.settings.turnMs;
  match.botMovesAt = occupantOf(match, seat).isBot ? botMoveAt(match, at) : null;
  events.push({ type: "turn" });
}

function botMoveAt(match: DiceMatch, at: number): number {
  return at + Math.round(match.settings.botThinkMs * (0.5 + 0.5 * draw(match)));
}

function startRound(match: DiceMatch, opener: number, at: number, events: DiceEvent[]): void {
  match.round++;
  match.phase = "bidding";
  match.bid = null;
  match.bids = [];
  for (const seat of match.seats) {
    const dice: number[] = [];
    for (let i = 0; i < seat.count; i++) dice.push(1 + Math.floor(draw(match) * DICE_LIMITS.faces));
    seat.dice = dice.sort((a, b) => a - b);
  }
  events.push({ type: "round", round: match.round });
  beginTurn(match, opener, at, events);
}

function play(match: DiceMatch, seat: number, action: DiceAction, at: number, auto: boolean, events: DiceEvent[]): void {
  const player = occupantOf(match, seat);
  if (action.kind === "liar") {
    challenge(match, seat, at, events);
    return;
  }
  const bid = { quantity: action.quantity, face: action.face, seat };
  match.bid = bid;
  match.bids.push(bid);
  player.bids++;
  events.push({ type: "bid", bid, auto });
  beginTurn(match, nextSeatIn(match, seat), at, events);
}

function challenge(match: DiceMatch, challenger: number, at: number, events: DiceEvent[]): void {
  const bid = match.bid!;
  const count = match.seats.reduce((sum, seat) => sum + seat.dice.filter((d) => d === bid.face).length, 0);
  const bidStood = count >= bid.quantity;
  const loser = bidStood ? challenger : bid.seat;
  const caller = occupantOf(match, challenger);
  caller.challenges++;
  if (!bidStood) caller.challengesWon++;
  const losing = occupantOf(match, loser);
  losing.diceLost++;
  const loserSeat = match.seats[loser]!;
  loserSeat.count--;
  const eliminated = loserSeat.count === 0;
  if (eliminated) {
    losing.active = false;
    losing.outOrder = ++match.outs;
  }
  match.reveal = {
    round: match.round,
    bid,
    challenger,
    count,
    bidStood,
    loser,
    eliminated,
    dice: match.seats.map((seat) => seat.dice.slice()),
    diceCounts: match.seats.map((seat) => seat.count),
  };
  match.turn = -1;
  match.botMovesAt = null;
  events.push({ type: "reveal", reveal: match.reveal });
  if (seatsIn(match).length <= 1) {
    match.phase = "over";
    events.push({ type: "over" });
    return;
  }
  match.phase = "reveal";
  match.revealEndsAt = at + match.settings.revealMs;
  match.opener = eliminated ? nextSeatIn(match, loser) : loser;
}

/** Hands a seat to `playerId` (a human from its bot, or back to the bot); a returning player is the same participant. */
function seat(match: DiceMatch, index: number, playerId: string, name: string, isBot: boolean, at: number, events: DiceEvent[]): void {
  const seatState = match.seats[index]!;
  const leaving = occupantOf(match, index);
  leaving.active = false;
  leaving.leftEarly = true;
  leaving.outOrder = ++match.outs;
  let taking = match.participants.findIndex((p) => p.playerId === playerId);
  if (taking < 0) {
    match.participants.push(participant(playerId, name, isBot, index));
    taking = match.participants.length - 1;
  } else {
    Object.assign(match.participants[taking]!, { active: true, leftEarly: false, outOrder: null, seat: index, name });
  }
  seatState.occupant = taking;
  events.push({ type: "seat", seat: index, playerId, isBot });
  if (match.phase === "bidding" && match.turn === index) {
    if (isBot) match.botMovesAt = botMoveAt(match, at);
    else beginTurn(match, index, at, events);
  }
}

const unchanged = (match: DiceMatch): Step<DiceMatch, DiceEvent> => ({ state: match, events: [], logged: false });

function applyMove(match: DiceMatch, seatIndex: number, action: DiceAction, at: number): Step<DiceMatch, DiceEvent> | Refusal {
  const seatState = match.seats[seatIndex];
  if (!seatState || seatState.count === 0) return refuse(ErrorCode.NotParticipant, "you have no dice left");
  if (match.phase === "reveal") return refuse(ErrorCode.WrongPhase, "the dice are being revealed; the next round starts soon");
  if (match.turn !== seatIndex) return refuse(ErrorCode.NotYourTurn, `it is seat ${match.turn}'s turn`);
  if (action.kind === "liar") {
    if (!match.bid) return refuse(ErrorCode.InvalidBid, "there is no bid to call yet: open the round with a bid");
  } else {
    const total = totalDice(match);
    if (action.quantity > total) return refuse(ErrorCode.InvalidBid, `there are only ${total} dice on the table`);
    if (!beats(action.quantity, action.face, match.bid)) {
      const last = match.bid!;
      return refuse(ErrorCode.InvalidBid, `a bid must beat ${last.quantity} × ${last.face}: a higher quantity, or as many of a higher face`);
    }
  }
  const events: DiceEvent[] = [];
  play(match, seatIndex, action, at, false, events);
  return { state: match, events };
}

/** A logged dice input: `[seat, quantity, face]`, `[seat, "liar"]`, `[seat, "join", playerId, name]`, `[seat, "leave"]` or `["stop"]`. */
export type StoredDiceInput = [number, number, number] | [number, "liar"] | [number, "join", string, string] | [number, "leave"] | ["stop"];

export const diceCodec: InputCodec<DiceMessages> = {
  encode(input): StoredDiceInput {
    switch (input.type) {
      case "bid":
        return [input.seat, input.payload.quantity, input.payload.face];
      case "liar":
        return [input.seat, "liar"];
      case "join":
        return [input.seat, "join", input.playerId, input.name];
      case "leave":
        return [input.seat, "leave"];
      case "stop":
        return ["stop"];
      default:
        throw new Error(`dice inputs of type ${input.type} are not logged`);
    }
  },
  decode(stored): RulesInput<DiceMessages> {
    const entry = stored as StoredDiceInput;
    if (entry[0] === "stop") return { type: "stop", reason: "shutdown" };
    const [seat, second] = entry;
    if (second === "liar") return { type: "liar", seat, payload: {} };
    if (second === "leave") return { type: "leave", seat };
    if (second === "join") {
      const [, , playerId, name] = entry as [number, "join", string, string];
      return { type: "join", seat, playerId, name };
    }
    return { type: "bid", seat, payload: { quantity: second, face: (entry as [number, number, number])[2] } };
  },
};

/** One input at `at`; a refusal leaves the match as it was. */
function applyInput(match: DiceMatch, input: RulesInput<DiceMessages>, at: number): Step<DiceMatch, DiceEvent> | Refusal {
  if (match.phase === "over") return refuse(ErrorCode.WrongPhase, "the match is over");
  switch (input.type) {
    case "bid":
      return applyMove(match, input.seat, { kind: "bid", quantity: input.payload.quantity, face: input.payload.face }, at);
    case "liar":
      return applyMove(match, input.seat, { kind: "liar" }, at);
    case "join": {
      const seatState = match.seats[input.seat];
      if (!seatState || seatState.count === 0 || !occupantOf(match, input.seat).isBot) {
        return refuse(ErrorCode.NotParticipant, `seat ${input.seat} has no bot in play to take over`);
      }
      if (match.participants.some((p) => p.active && p.playerId === input.playerId)) return refuse(ErrorCode.NotParticipant, "this player already plays a seat");
      const events: DiceEvent[] = [];
      seat(match, input.seat, input.playerId, input.name, false, at, events);
      return { state: match, events };
    }
    case "leave": {
      const seatState = match.seats[input.seat];
      if (!seatState || seatState.count === 0 || occupantOf(match, input.seat).isBot) return unchanged(match);
      const events: DiceEvent[] = [];
      seat(match, input.seat, diceBotId(input.seat), diceBotName(input.seat), true, at, events);
      return { state: match, events };
    }
    case "presence":
      return unchanged(match);
    case "stop":
      match.stopped = true;
      match.phase = "over";
      match.turn = -1;
      return { state: match, events: [{ type: "over" }] };
  }
}

export const diceRules: ModeRules<DiceSettings, DiceMatch, DiceMessages, DiceEvent> = {
  version: DICE_RULES_VERSION,
  codec: diceCodec,

  clock: () => ({ kind: "event" }),

  create({ seed, settings, players }) {
    const bySeat = new Map(players.map((p) => [p.seat, p]));
    const participants: DiceParticipant[] = [];
    const seats: DiceSeat[] = [];
    for (let index = 0; index < settings.maxPlayers; index++) {
      const human = bySeat.get(index);
      participants.push(human ? participant(human.playerId, human.name, false, index) : participant(diceBotId(index), diceBotName(index), true, index));
      seats.push({ count: settings.dice, dice: [], occupant: index });
    }
    const match: DiceMatch = {
      settings,
      rng: deriveSeed(seed, "dice"),
      now: 0,
      phase: "bidding",
      round: 0,
      seats,
      participants,
      turn: -1,
      bid: null,
      bids: [],
      turnEndsAt: 0,
      botMovesAt: null,
      revealEndsAt: 0,
      opener: 0,
      reveal: null,
      outs: 0,
      stopped: false,
    };
    const opener = Math.floor(draw(match) * settings.maxPlayers);
    startRound(match, opener, 0, []);
    return match;
  },

  apply(match, input: RulesInput<DiceMessages>, at) {
    const step = applyInput(match, input, at);
    if (!step.refused) match.now = Math.max(match.now, at);
    return step;
  },

  advance(match, to) {
    const events: DiceEvent[] = [];
    for (let at = nextDeadline(match); at !== null && at <= to; at = nextDeadline(match)) {
      match.now = Math.max(match.now, at);
      if (match.phase === "reveal") {
        startRound(match, match.opener, at, events);
        continue;
      }
      const seatState = match.seats[match.turn]!;
      const player = occupantOf(match, match.turn);
      if (!player.isBot) player.timeouts++;
      play(match, match.turn, decide(seatState.dice, totalDice(match), match.bid), at, true, events);
    }
    match.now = Math.max(match.now, to);
    return { state: match, events };
  },

  now: (match) => match.now,
  nextDeadline: (match) => nextDeadline(match),
  isOver: (match) => match.phase === "over",

  outcome(match): MatchOutcome {
    const everyone = match.participants;
    const playing = everyone.filter((p) => p.active).sort((a, b) => match.seats[b.seat]!.count - match.seats[a.seat]!.count || a.seat - b.seat);
    const gone = everyone.filter((p) => !p.active).sort((a, b) => (b.outOrder ?? 0) - (a.outOrder ?? 0));
    const places = sharedPlacements(playing, (a, b) => match.seats[a.seat]!.count === match.seats[b.seat]!.count);
    const ranked = [...playing.map((p, i) => [p, places[i]!] as const), ...gone.map((p, i) => [p, playing.length + i + 1] as const)];
    const standings: Standing[] = ranked.map(([p, placement]) => ({
      seat: p.seat,
      playerId: p.playerId,
      name: p.name,
      isBot: p.isBot,
      placement,
      score: (everyone.length - placement) * 100,
      finishTimeMs: null,
      leftEarly: p.leftEarly,
      details: { seat: p.seat, diceLost: p.diceLost, bids: p.bids, challenges: p.challenges, challengesWon: p.challengesWon, timeouts: p.timeouts },
    }));
    return {
      status: match.stopped ? "aborted" : "completed",
      reason: match.stopped ? "shutdown" : "finished",
      standings,
      summary: { rounds: match.round, seats: match.settings.maxPlayers, dicePerPlayer: match.settings.dice, winner: match.stopped ? null : (playing[0]?.playerId ?? null) },
    };
  },
};

function nextDeadline(match: DiceMatch): number | null {
  if (match.phase === "over") return null;
  if (match.phase === "reveal") return match.revealEndsAt;
  return match.botMovesAt === null ? match.turnEndsAt : Math.min(match.botMovesAt, match.turnEndsAt);
}

/** The seats a human may take while the match runs: those whose bot still has dice. */
export function seatsWithBots(match: DiceMatch): number[] {
  return seatsIn(match).filter((index) => occupantOf(match, index).isBot);
}
