/**
 * The wire of skill-based queueing and parties, shared by every mode: room names, the messages the
 * queue and party rooms send and accept, and their payloads. Import-free but for the error payload,
 * so clients bundle it cheaply.
 */
import type { ErrorPayload } from "./errors.js";

/** Room name of a mode's queue: join it with the mode's join options (they pick the queue, as they pick a room). */
export function queueRoomName(mode: string): string {
  return `${mode}_queue`;
}

/** Room name of parties: create it with `{ mode }`, join one with `{ code }`. */
export const PARTY_ROOM = "party" as const;

/** Queue → client, every cycle while waiting: how many wait in this queue and for how long this player has. */
export const QUEUE_STATUS_MESSAGE = "queue" as const;
/** Queue → client (Colyseus' QueueRoom): the seat reserved in the match room; answer with `confirm`. */
export const QUEUE_SEAT_MESSAGE = "seat" as const;
/** Client → queue (Colyseus' QueueRoom): the seat arrived; the queue then closes this connection. */
export const QUEUE_CONFIRM_MESSAGE = "confirm" as const;

export interface QueueStatus {
  /** Players waiting in this queue now (party members included). */
  queued: number;
  /** Milliseconds this player (or their party) has waited. */
  waitedMs: number;
  /** Rating difference the queue accepts inside this player's group now; it widens with waiting. */
  band: number;
  /** The rating the queue groups this player (or their party) by. */
  rating: number;
  /** Party members in the queue out of the party's members (null: queueing alone). */
  party: { present: number; expected: number } | null;
}

/** Party → client: the party as it is now, after every change. */
export const PARTY_STATE_MESSAGE = "party" as const;
/** Party → members but the leader: the leader queued; join the same queue with these options. */
export const PARTY_QUEUE_MESSAGE = "queue" as const;
/** Party → a member the leader removed, just before the connection closes. */
export const PARTY_KICKED_MESSAGE = "kicked" as const;
/** Client → party (leader only): remove a member, `{ playerId }`. */
export const PARTY_KICK_MESSAGE = "kick" as const;

export interface PartyMember {
  playerId: string;
  name: string;
  /** False while the member's connection is down (their place is held for RECONNECT_WINDOW_S). */
  connected: boolean;
}

export interface PartyState {
  /** What others type to join: six letters and digits. */
  code: string;
  /** The mode the party plays: it sets the party's size limit. */
  mode: string;
  /** Player id of the leader: the first member; the next one in joining order when the leader leaves. */
  leader: string;
  maxSize: number;
  /** In joining order. */
  members: PartyMember[];
  /** The queue the party is in, while it is in one (the leader's join options). */
  queueing: { options: Record<string, unknown> } | null;
}

export interface PartyQueueEvent {
  mode: string;
  options: Record<string, unknown>;
}

export interface PartyKickedEvent {
  /** The leader's player id. */
  by: string;
}

/** What a party room may answer a member with, as every room does: the typed error message. */
export type PartyError = ErrorPayload;

/** A party code: six characters without look-alikes (no 0/O, 1/I/L). */
export const PARTY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const PARTY_CODE_PATTERN = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;

/** A code as a person might type it: trimmed and upper-cased. */
export function normalisePartyCode(code: string): string {
  return code.trim().toUpperCase();
}
