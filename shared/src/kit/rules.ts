/**
 * What every mode's rules look like to the runtime: a pure reducer over inputs and time. No I/O and
 * no clock of their own, so a match is a function of its seed, settings and input log: the server
 * plays it, the replay CLI and the browser re-run it, tests drive it without sockets.
 */
import type { ErrorCode } from "./errors.js";

/**
 * Time as the rules count it: the tick number for fixed-tick modes, milliseconds since the match
 * started for event-driven ones. Always non-decreasing along a match.
 */
export type Time = number;

/** How a mode's time moves: fixed ticks, or events at deadlines the rules name. */
export type MatchClock = { kind: "tick"; hz: number } | { kind: "event" };

/** A human in a seat. */
export interface SeatedPlayer {
  seat: number;
  playerId: string;
  name: string;
}

/** Everything a match starts from. */
export interface MatchSetup<Settings> {
  seed: number;
  settings: Settings;
  /** The humans seated when the match starts; a mode with bots seats them in the other seats. */
  players: SeatedPlayer[];
}

/** Inputs the room runtime gives every mode (besides the clients' messages). */
export type KitInput =
  /** A human takes a seat while the match runs (from its bot). */
  | { type: "join"; seat: number; playerId: string; name: string }
  /** The human in a seat left for good (consented, or the reconnection window ran out). */
  | { type: "leave"; seat: number }
  /** The human's connection dropped (false) or came back (true). */
  | { type: "presence"; seat: number; connected: boolean }
  /** The match must end now (the server is shutting down): recorded as aborted. */
  | { type: "stop"; reason: "shutdown" };

/** A client's message as the rules receive it: validated, and from the sender's seat. */
export type MessageInput<Messages> = {
  [K in keyof Messages & string]: { type: K; seat: number; payload: Messages[K] };
}[keyof Messages & string];

export type RulesInput<Messages> = MessageInput<Messages> | KitInput;

/** An input the rules turn down: the client gets a typed error and nothing changes. */
export interface Refusal {
  refused: true;
  code: ErrorCode;
  message: string;
}

export function refuse(code: ErrorCode, message: string): Refusal {
  return { refused: true, code, message };
}

/** The result of applying an input or advancing time. Rules may update `state` in place and return it. */
export interface Step<S, E> {
  refused?: false;
  state: S;
  events: E[];
  /** False for an input that changed nothing a replay needs (it is left out of the log). */
  logged?: boolean;
}

/** One player's part in a finished match, in placement order. */
export interface Standing {
  seat: number;
  playerId: string;
  name: string;
  isBot: boolean;
  /** 1-based; ties share a placement. */
  placement: number;
  score: number;
  finishTimeMs: number | null;
  /** Left before the end: counts as last for ratings. */
  leftEarly: boolean;
  /** The player's team (a war faction): teammates win and lose their rating together. Absent: on their own. */
  team?: string;
  details: Record<string, unknown>;
  /** Added to the player's reputation when the result is stored. */
  reputationDelta?: number;
}

/** How a match ended, as the rules see it: enough to store, rank and announce it. */
export interface MatchOutcome {
  status: "completed" | "aborted";
  /** Why it ended, in the mode's words (e.g. "finished", "time-limit", "shutdown"). */
  reason: string;
  standings: Standing[];
  summary: Record<string, unknown>;
  /** Rows of the mode's own tables, by table name. */
  rows?: Record<string, Array<Record<string, unknown>>>;
}

/** How a mode writes its inputs into the stored log (compact tuples, say) and reads them back. */
export interface InputCodec<Messages> {
  encode(input: RulesInput<Messages>): unknown;
  decode(stored: unknown): RulesInput<Messages>;
}

export interface ModeRules<Settings, S, Messages, E, O extends MatchOutcome = MatchOutcome> {
  /** Bumped whenever the same inputs could give a different match; stored with every match. */
  readonly version: number;
  clock(settings: Settings): MatchClock;
  create(setup: MatchSetup<Settings>): S;
  /** One input at time `at` (the current tick, or ms since the start). */
  apply(state: S, input: RulesInput<Messages>, at: Time): Step<S, E> | Refusal;
  /**
   * Moves time forward to `to`: one tick for tick modes, everything due up to `to` for event modes.
   * advance(s, a) then advance(s, b) must equal advance(s, b) for a ≤ b, so timers firing late
   * never change a match.
   */
  advance(state: S, to: Time): Step<S, E>;
  /** The time the state has reached. */
  now(state: S): Time;
  /** Event modes: when `advance` next has something to do; null when nothing is scheduled. */
  nextDeadline(state: S): Time | null;
  isOver(state: S): boolean;
  outcome(state: S): O;
  /** The stored form of inputs; without one, inputs are stored as they are. */
  codec?: InputCodec<Messages>;
}

/** The stored form of a match's input log: `[time, encoded input]` pairs. */
export type StoredInputLog = Array<[Time, unknown]>;

/** Decodes a stored input log with the rules' codec. */
export function decodeLog<M>(rules: { codec?: InputCodec<M> }, stored: StoredInputLog): Array<LoggedInput<M>> {
  const codec = rules.codec;
  return stored.map(([at, raw]) => [at, codec ? codec.decode(raw) : (raw as RulesInput<M>)]);
}

/** One logged input: when it was applied, and what it was. */
export type LoggedInput<Messages> = [Time, RulesInput<Messages>];

/** A logged input that the rules refused on replay: the log does not belong to these rules. */
export class ReplayMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplayMismatch";
  }
}

/** Advances `state` to time `to` (tick by tick for tick modes). */
export function advanceTo<Settings, S, M, E>(rules: ModeRules<Settings, S, M, E>, clock: MatchClock, state: S, to: Time, events?: E[]): S {
  if (clock.kind === "event") {
    const step = rules.advance(state, to);
    events?.push(...step.events);
    return step.state;
  }
  let current = state;
  while (rules.now(current) < to && !rules.isOver(current)) {
    const step = rules.advance(current, rules.now(current) + 1);
    events?.push(...step.events);
    current = step.state;
  }
  return current;
}

/** Runs a match with no more inputs until its rules say it is over (bounded, so a broken rule cannot hang). */
export function runToEnd<Settings, S, M, E>(rules: ModeRules<Settings, S, M, E>, clock: MatchClock, state: S, maxSteps = 10_000_000): S {
  let current = state;
  for (let steps = 0; !rules.isOver(current) && steps < maxSteps; steps++) {
    const to = clock.kind === "tick" ? rules.now(current) + 1 : rules.nextDeadline(current);
    if (to === null) break;
    current = rules.advance(current, to).state;
  }
  return current;
}

/** Re-plays a match from its setup and input log up to its end (or `until`, for seeking). */
export function replayMatch<Settings, S, M, E>(
  rules: ModeRules<Settings, S, M, E>,
  setup: MatchSetup<Settings>,
  log: ReadonlyArray<LoggedInput<M>>,
  until: Time = Number.POSITIVE_INFINITY,
): S {
  const clock = rules.clock(setup.settings);
  let state = rules.create(setup);
  for (const [at, input] of log) {
    if (at > until) return advanceTo(rules, clock, state, until);
    state = advanceTo(rules, clock, state, at);
    const step = rules.apply(state, input, at);
    if (step.refused) throw new ReplayMismatch(`input ${JSON.stringify(input)} at ${at} was refused: ${step.code} ${step.message}`);
    state = step.state;
  }
  return until === Number.POSITIVE_INFINITY ? runToEnd(rules, clock, state) : advanceTo(rules, clock, state, until);
}

/**
 * 1-based placements of scores already sorted best first, equal keys sharing a placement
 * (competition ranking: 1, 1, 3).
 */
export function sharedPlacements<T>(sorted: readonly T[], sameRank: (a: T, b: T) => boolean): number[] {
  const out: number[] = [];
  sorted.forEach((item, index) => {
    out.push(index > 0 && sameRank(sorted[index - 1] as T, item) ? (out[index - 1] as number) : index + 1);
  });
  return out;
}
