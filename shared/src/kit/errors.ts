/**
 * Stable error codes sent to clients. Clients switch on `code`; `message` is for humans.
 * Never rename a code: add a new one instead.
 */
export const ErrorCode = {
  /** The message payload failed validation. */
  InvalidMessage: "INVALID_MESSAGE",
  /** No handler exists for this message type in this room. */
  UnknownMessage: "UNKNOWN_MESSAGE",
  /** Join or create options failed validation. */
  InvalidOptions: "INVALID_OPTIONS",
  /** The message is valid but not allowed in the room's current phase. */
  WrongPhase: "WRONG_PHASE",
  /** The sender is not an active participant (spectator, finished, DNF). */
  NotParticipant: "NOT_PARTICIPANT",
  /** Too many messages: the client is warned, then disconnected. */
  RateLimited: "RATE_LIMITED",
  /** Quiz: the answer arrived after the answer window closed. */
  LateAnswer: "LATE_ANSWER",
  /** Quiz: this player already answered this round. */
  DuplicateAnswer: "DUPLICATE_ANSWER",
  /** Quiz: the answer names a round that is not open yet (or does not exist). */
  WrongRound: "WRONG_ROUND",
  /** War: the target zone is not adjacent to the player's zone. */
  InvalidMove: "INVALID_MOVE",
  /** Authentication is missing, invalid or expired. */
  Unauthorized: "UNAUTHORIZED",
  /** HTTP: a query parameter or body failed validation. */
  InvalidQuery: "INVALID_QUERY",
  /** HTTP: no such resource (player, match, mode). */
  NotFound: "NOT_FOUND",
  /** HTTP: the node is draining or shutting down. */
  Unavailable: "UNAVAILABLE",
  /** HTTP matchmaking: the node has more joins waiting than it can serve within the seat reservation time; retry after `Retry-After` seconds. */
  Overloaded: "OVERLOADED",
  /** Something failed on the server; the room keeps running. */
  Internal: "INTERNAL",
  /** HTTP: the request body is larger than the route accepts. */
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  /** Turn-based modes: it is another player's turn. */
  NotYourTurn: "NOT_YOUR_TURN",
  /** Dice: the bid does not beat the last one, or no bid is there to call. */
  InvalidBid: "INVALID_BID",
  /** Spectating: the match (`MAX_SPECTATORS_PER_ROOM`) or its node (`MAX_SPECTATORS_PER_NODE`) has all the spectators it takes. */
  SpectatorsFull: "SPECTATORS_FULL",
  /** HTTP: the match was recorded with rules (a mode or rules version) this server no longer has, so it cannot be replayed. */
  RulesChanged: "RULES_CHANGED",
  /** Parties: no party has this code (never existed, or expired when its last member left). */
  PartyNotFound: "PARTY_NOT_FOUND",
  /** Parties: the party has as many members as its mode allows. */
  PartyFull: "PARTY_FULL",
  /** Parties: the player is in another party already (one party per player). */
  AlreadyInParty: "ALREADY_IN_PARTY",
  /** Parties: only the leader may do this (kick, start queueing for the party). */
  NotPartyLeader: "NOT_PARTY_LEADER",
  /** Parties: the player named is not a member of this party. */
  NotInParty: "NOT_IN_PARTY",
  /** Queue: the party is larger than a match (or, in modes with teams, a team) of these options. */
  PartyTooLarge: "PARTY_TOO_LARGE",
  /** Queue: the queue was left before a match was found (by this player, or by a member of their party). */
  QueueCancelled: "QUEUE_CANCELLED",
  /** Queue: the player waits in a queue already (another tab, say). */
  AlreadyQueued: "ALREADY_QUEUED",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Payload of the `error` message a room sends to one client. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** The message type that caused the error, when there is one. */
  cause?: string;
}

/** Message type the server uses for typed errors, in every room. */
export const ERROR_MESSAGE = "error" as const;
