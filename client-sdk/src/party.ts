import type { Room } from "@colyseus/sdk";
import {
  ERROR_MESSAGE,
  ErrorCode,
  PARTY_KICK_MESSAGE,
  PARTY_KICKED_MESSAGE,
  PARTY_QUEUE_MESSAGE,
  PARTY_STATE_MESSAGE,
  isModeName,
  type ErrorPayload,
  type ModeName,
  type PartyKickedEvent,
  type PartyQueueEvent,
  type PartyState,
} from "@arena/shared";
import { ArenaError } from "./arena-error.js";
import type { QueueTicket } from "./queue.js";

export interface PartyEvents {
  /** The party changed (members, leader, connection, queue). */
  update: PartyState;
  /** The leader queued: this member is in the same queue now (the ticket resolves to the match room). */
  queue: QueueTicket<ModeName>;
  /** The leader removed this member; the connection closes next. */
  kicked: PartyKickedEvent;
  /** A typed error the party sent this member (a refused kick, say). */
  error: ErrorPayload;
  /** The connection to the party ended (left, kicked, or the server closed it). */
  closed: number;
}

type Listener<K extends keyof PartyEvents> = (payload: PartyEvents[K]) => void;

/**
 * A party this client is in. Its members queue together and land in the same match (and team):
 * the leader queues with `client.queue(mode, options)`; every other member's client follows into
 * the same queue on its own and emits `queue` with its ticket.
 */
export class Party {
  /** The party as last shown; set once `ready` resolves. */
  state!: PartyState;
  /** Resolves with the first state the party sends. */
  readonly ready: Promise<PartyState>;
  private readonly listeners = new Map<keyof PartyEvents, Set<(payload: never) => void>>();
  private closeCode: number | undefined;

  constructor(
    readonly room: Room,
    /** Starts this member's own place in the queue the leader joined. */
    follow: (mode: ModeName, options: Record<string, unknown>) => QueueTicket<ModeName>,
  ) {
    this.ready = new Promise((resolve, reject) => {
      room.onMessage(PARTY_STATE_MESSAGE, (state: PartyState) => {
        this.state = state;
        resolve(state);
        this.emit("update", state);
      });
      room.onLeave((code: number) => {
        this.closeCode = code;
        reject(new ArenaError(ErrorCode.PartyNotFound, `the party closed (code ${code})`));
        this.emit("closed", code);
      });
    });
    this.ready.catch(() => undefined);
    room.onMessage(PARTY_QUEUE_MESSAGE, ({ mode, options }: PartyQueueEvent) => {
      if (isModeName(mode)) this.emit("queue", follow(mode, options));
    });
    room.onMessage(PARTY_KICKED_MESSAGE, (event: PartyKickedEvent) => this.emit("kicked", event));
    room.onMessage(ERROR_MESSAGE, (error: ErrorPayload) => this.emit("error", error));
  }

  get code(): string {
    return this.state.code;
  }

  get leader(): string {
    return this.state.leader;
  }

  /** Pass to `ArenaClient.reconnectParty` to come back after a dropped connection. */
  get reconnectionToken(): string {
    return this.room.reconnectionToken;
  }

  on<K extends keyof PartyEvents>(type: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** The leader removes a member: resolves once the party no longer lists them, rejects with the party's typed error. */
  kick(playerId: string, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: ArenaError) => {
        clearTimeout(timer);
        offUpdate();
        offError();
        if (error) reject(error);
        else resolve();
      };
      const offUpdate = this.on("update", (state) => {
        if (!state.members.some((m) => m.playerId === playerId)) done();
      });
      const offError = this.on("error", (error) => {
        if (error.cause === PARTY_KICK_MESSAGE) done(new ArenaError(error.code, error.message));
      });
      const timer = setTimeout(() => done(new ArenaError(ErrorCode.Internal, `no answer to the kick within ${timeoutMs} ms`)), timeoutMs);
      this.room.send(PARTY_KICK_MESSAGE, { playerId });
    });
  }

  /** Leaves the party (a leader hands it to the next member; the last member ends it). */
  leave(): Promise<number> {
    if (!this.room.connection?.isOpen) return Promise.resolve(this.closeCode ?? 1000);
    return this.room.leave(true);
  }

  private emit<K extends keyof PartyEvents>(type: K, payload: PartyEvents[K]): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as Listener<K>)(payload);
  }
}
