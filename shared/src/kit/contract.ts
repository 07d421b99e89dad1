/**
 * The wire contract of a game mode: everything a client (SDK, browser, load player, another engine)
 * needs to know about a room type, and nothing of how the server plays it. Browser-safe.
 */
import type { Schema } from "@colyseus/schema";
import { safeParse, type $ZodType, type input, type output } from "zod/v4/core";
import { describeIssues } from "./common.js";
import { ERROR_MESSAGE, type ErrorCode, type ErrorPayload } from "./errors.js";
import "./zod-locale.js";

/** Phantom marker of a server → client message's payload type: `payload<RaceStartedPayload>()`. */
export interface Payload<T> {
  readonly __payload?: T;
}
export function payload<T>(): Payload<T> {
  return {};
}

import { FINISHED_MESSAGE } from "./names.js";

export { FINISHED_MESSAGE };

/** Input names the room runtime gives every mode's rules; no client message may take one of them. */
export const KIT_INPUTS = ["join", "leave", "presence", "stop"] as const;

type AnyOptions = $ZodType<object>;

export interface ContractSpec<
  Name extends string,
  Options extends AnyOptions,
  Messages extends Record<string, $ZodType>,
  Events extends Record<string, Payload<unknown>>,
  State extends Schema,
  Players extends string = string,
> {
  /** Room name, used in matchmaking (`POST /matchmake/joinOrCreate/<name>`) and as the mode's label everywhere. */
  name: Name;
  /** Join options; unknown keys are dropped. Every key is a matchmaking filter unless listed in `wishes`. */
  options: Options;
  /** Option keys that express a preference inside a room (e.g. a faction) rather than which room to join. */
  wishes?: ReadonlyArray<string>;
  /** Client → server messages and their payload schemas. */
  messages: Messages;
  /** Server → client messages besides `error`; `finished` is required. */
  events: Events & { [FINISHED_MESSAGE]: Payload<unknown> };
  /** Root schema class of the room state. */
  state: new () => State;
  /** The state's map of players keyed by session id (e.g. `racers`), for `room.me` and spectator views. */
  playersField: Players;
  /** Error codes the mode's rules may send, besides the ones every room sends. */
  errors: ReadonlyArray<ErrorCode>;
}

export interface ModeContract<
  Name extends string = string,
  Options extends AnyOptions = AnyOptions,
  Messages extends Record<string, $ZodType> = Record<string, $ZodType>,
  Events extends Record<string, Payload<unknown>> = Record<string, Payload<unknown>>,
  State extends Schema = Schema,
  Players extends string = string,
> extends ContractSpec<Name, Options, Messages, Events, State, Players> {
  /** Option keys that pick the room in matchmaking (Colyseus `filterBy`). */
  readonly matchFilter: ReadonlyArray<string>;
  /** Names of the server → client messages, `error` included, in a fixed order. */
  readonly eventNames: ReadonlyArray<string>;
}

/** Checks a mode's contract once, where it is defined, and derives what the runtime needs from it. */
export function defineContract<
  const Name extends string,
  Options extends AnyOptions,
  Messages extends Record<string, $ZodType>,
  Events extends Record<string, Payload<unknown>>,
  State extends Schema,
  const Players extends keyof State & string,
>(spec: ContractSpec<Name, Options, Messages, Events, State, Players>): ModeContract<Name, Options, Messages, Events, State, Players> {
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(spec.name)) throw new Error(`mode name "${spec.name}" must be a lowercase word`);
  for (const type of Object.keys(spec.messages)) {
    if ((KIT_INPUTS as readonly string[]).includes(type) || type === ERROR_MESSAGE) {
      throw new Error(`mode ${spec.name}: message type "${type}" is reserved`);
    }
  }
  const shape = optionKeys(spec.options);
  const wishes = new Set(spec.wishes ?? []);
  return {
    ...spec,
    matchFilter: shape.filter((key) => !wishes.has(key)),
    eventNames: [...Object.keys(spec.events), ERROR_MESSAGE],
  };
}

/** Keys of an options object schema, looking through wrappers such as refinements. */
function optionKeys(schema: AnyOptions): string[] {
  const def = (schema as unknown as { _zod: { def: { shape?: Record<string, unknown>; in?: AnyOptions; innerType?: AnyOptions } } })._zod.def;
  if (def.shape) return Object.keys(def.shape);
  const inner = def.innerType ?? def.in;
  if (inner) return optionKeys(inner);
  throw new Error("join options must be an object schema");
}

/** Type helpers over a contract. */
export type OptionsInput<C extends ModeContract> = input<C["options"]>;
export type OptionsOf<C extends ModeContract> = output<C["options"]>;
export type StateOf<C extends ModeContract> = InstanceType<C["state"]>;
/** The entries of a mode's players map (a race's `Racer`, say). */
export type PlayerOf<C extends ModeContract> = StateOf<C>[C["playersField"] & keyof StateOf<C>] extends { get(key: string): infer P } ? Exclude<P, undefined> : never;
export type MessagesOf<C extends ModeContract> = { [K in keyof C["messages"] & string]: output<C["messages"][K]> };
export type OutgoingOf<C extends ModeContract> = { [K in keyof C["messages"] & string]: input<C["messages"][K]> };
export type EventsOf<C extends ModeContract> = {
  [K in keyof C["events"] & string]: C["events"][K] extends Payload<infer T> ? T : never;
} & { [ERROR_MESSAGE]: ErrorPayload };

/** Checks join options with the mode's schema, as the server will: the options to join with, or one readable line. */
export function checkOptions<C extends ModeContract>(contract: C, options: unknown): { success: true; data: OptionsOf<C> } | { success: false; message: string } {
  const parsed = safeParse(contract.options, options);
  return parsed.success ? { success: true, data: parsed.data as OptionsOf<C> } : { success: false, message: describeIssues(parsed.error) };
}
