/**
 * A game mode as the server runs it: its wire contract and pure rules (from `@arena/shared`), plus
 * what only the server knows — its configuration, how join options become match settings, the
 * lobby it needs, what it tells clients as the match goes, and the rows it stores. The match room
 * runtime drives every mode through this one definition and knows none by name.
 */
import type { ErrorPayload, MessagesOf, ModeContract, OptionsOf, StateOf } from "@arena/shared";
import type { Announcements } from "@arena/shared/kit/announce";
import type { Projection } from "@arena/shared/kit/projection";
import type { MatchOutcome, ModeRules, SeatedPlayer } from "@arena/shared/kit/rules";
import type { z } from "zod";
import type { Config } from "../config.js";
import type { Logger } from "../observability/logger.js";
import type { Database } from "../persistence/database.js";
import type { GroupShape } from "../queue/grouping.js";
import type { InputLog } from "./input-log.js";
import type { ModeTable } from "./mode-table.js";

/** A mode's environment variables (zod, each with `.describe()`) and the typed section read from them. */
export interface ConfigSection<Shape extends z.ZodRawShape = z.ZodRawShape, Section = unknown> {
  env: Shape;
  read(env: z.output<z.ZodObject<Shape>>): Section;
}

export function defineConfigSection<Shape extends z.ZodRawShape, Section>(section: ConfigSection<Shape, Section>): ConfigSection<Shape, Section> {
  return section;
}

/** How a mode fills its seats before the match starts, and whether seats change hands while it runs. */
export interface LobbyPolicy {
  /** Seats in the match (humans and bots together). */
  seats: number;
  /** Humans needed before the start timer runs. */
  minPlayers: number;
  /** How long the lobby waits for more players once `minPlayers` are in (it starts at once when full). */
  waitMs: number;
  /** Bots take the free seats at the start, and humans may take a bot's seat while the match runs. */
  bots: boolean;
  /**
   * The seat a joining human takes among `free` ones (default: the lowest), or null to refuse.
   * `options` are the joining player's own validated join options (a faction wish, say).
   */
  chooseSeat?(free: readonly number[], taken: ReadonlyArray<{ seat: number }>, options: unknown): number | null;
  /** Humans at which the lobby starts at once (default: `seats`); the queue sets it to the group it sends. */
  startAt?: number;
}

/** A full match of these options as the queue groups for it (see queue/grouping.ts). */
export interface QueuePlan extends GroupShape {
  /** Join options that put a player in team `team` (modes with teams): how a party lands in one team. */
  teamOptions?(team: number): Record<string, unknown>;
}

/** Skill-based queueing of a mode: the largest party it takes, and the match a queue group fills. */
export interface QueueSpec<C extends ModeContract, Section> {
  partyMax: number;
  plan(options: OptionsOf<C>, section: Section): QueuePlan;
}

/** What a mode tells clients (from `@arena/shared`: the browser's replay viewer says the same). */
export { standingOf, type Announcer } from "@arena/shared/kit/announce";

/** Context of building settings: the server's config, the mode's own section, the match seed. */
export interface SettingsContext<Section> {
  config: Config;
  section: Section;
  seed: number;
  database: Database;
  /** The room's logger, for what reading the settings' data ran into. */
  log: Logger;
}

/** A mode refused to create a room for these options (e.g. not enough questions): HTTP 400. */
export class SettingsRefused extends Error {
  constructor(readonly payload: ErrorPayload) {
    super(`${payload.code}: ${payload.message}`);
    this.name = "SettingsRefused";
  }
}

/** A mode's announcements (`started`, `announce`, `welcome`, `finished`) come from its shared folder. */
export interface ServerMode<C extends ModeContract, Settings, S, E, Section = unknown> extends Announcements<C, Settings, S, E> {
  contract: C;
  rules: ModeRules<Settings, S, MessagesOf<C>, E, MatchOutcome>;
  projection: Projection<Settings, S, StateOf<C>>;
  config: ConfigSection<z.ZodRawShape, Section>;
  /** Match settings from validated join options and the server's config; throw SettingsRefused to refuse. */
  settings(options: OptionsOf<C>, context: SettingsContext<Section>): Settings | Promise<Settings>;
  lobby(settings: Settings, context: { options: OptionsOf<C>; section: Section }): LobbyPolicy;
  /** Message types with their own, tighter rate, as a share of MSG_RATE_PER_S. */
  rates?: Partial<Record<keyof C["messages"] & string, number>>;
  /**
   * Modes with bots: the seats a human may take while the match runs (default: every seat no human
   * holds). While none is left the room is locked, so matchmaking opens a new one instead.
   */
  openSeats?(state: S): readonly number[];
  /** A compact input log for modes that log many inputs (default: an array of encoded inputs). */
  inputLog?(): InputLog<MessagesOf<C>>;
  /**
   * What of the settings anyone may read — in the room's log while the match runs (`played`
   * undefined) and with the stored match (`GET /matches/:id`, its replay) — when the settings hold
   * something secret (a quiz's answers). Without it the settings are public as they are.
   */
  publicSettings?(settings: Settings, played?: { summary: Record<string, unknown> }): unknown;
  /** Tables of the mode's own (rows come in `outcome.rows` under the table's name). */
  tables?: ReadonlyArray<ModeTable>;
  /** The mode's queue and parties; a mode without one has neither. */
  queue?: QueueSpec<C, Section>;
}

/** Any mode, for code that iterates the registry (each mode is type-checked where it is defined). */
// biome-ignore lint: the registry holds modes of different types
export type AnyServerMode = ServerMode<any, any, any, any, any>;

/** Keeps the mode's types while checking it against the definition. */
export function defineServerMode<C extends ModeContract, Settings, S, E, Section>(mode: ServerMode<C, Settings, S, E, Section>): ServerMode<C, Settings, S, E, Section> {
  return mode;
}

/** The humans seated at the start, as the rules receive them. */
export type { SeatedPlayer };
