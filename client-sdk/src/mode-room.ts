import type { Room } from "@colyseus/sdk";
import { ERROR_MESSAGE, type ErrorPayload, type EventsOf, type ModeContract, type OutgoingOf, type PlayerOf, type StateOf } from "@arena/shared";

/** A joined room of mode `C`: typed state, outgoing and incoming messages. */
export class ModeRoom<C extends ModeContract = ModeContract> {
  private readonly lastErrors: ErrorPayload[] = [];
  /** The close code once the connection has ended. */
  closeCode: number | undefined;

  /**
   * @param room the underlying @colyseus/sdk room; this class adds the types.
   * @param spectator a spectator's room: the public view, and nothing to send
   */
  constructor(
    readonly contract: C,
    readonly room: Room,
    readonly spectator = false,
  ) {
    // every server message of the mode gets a handler up front, so none arrives unhandled
    for (const type of contract.eventNames) room.onMessage(type, () => {});
    room.onLeave((code: number) => {
      this.closeCode = code;
    });
    room.onMessage(ERROR_MESSAGE, (payload: ErrorPayload) => {
      this.lastErrors.push(payload);
      if (this.lastErrors.length > 50) this.lastErrors.shift();
    });
  }

  get mode(): C["name"] {
    return this.contract.name;
  }

  get state(): StateOf<C> {
    return this.room.state as StateOf<C>;
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  get roomId(): string {
    return this.room.roomId;
  }

  /** This client's own entry in the state's players map; undefined before the state arrives. */
  get me(): PlayerOf<C> | undefined {
    const players = (this.room.state as Record<string, { get(key: string): unknown } | undefined> | undefined)?.[this.contract.playersField];
    return players?.get(this.sessionId) as PlayerOf<C> | undefined;
  }

  /** Pass to `ArenaClient.reconnect` to take this seat back after a dropped connection. */
  get reconnectionToken(): string {
    return this.room.reconnectionToken;
  }

  /** Typed errors the server sent to this client, newest last (bounded). */
  get errors(): readonly ErrorPayload[] {
    return this.lastErrors;
  }

  send<K extends keyof OutgoingOf<C> & string>(type: K, payload: OutgoingOf<C>[K]): void {
    this.room.send(type, payload);
  }

  on<K extends keyof EventsOf<C> & string>(type: K, listener: (payload: EventsOf<C>[K]) => void): () => void {
    return this.room.onMessage(type, listener);
  }

  onError(listener: (error: ErrorPayload) => void): () => void {
    return this.room.onMessage(ERROR_MESSAGE, listener);
  }

  onStateChange(listener: (state: StateOf<C>) => void): () => void {
    const handler = (state: StateOf<C>) => listener(state);
    this.room.onStateChange(handler);
    return () => this.room.onStateChange.remove(handler);
  }

  onLeave(listener: (code: number) => void): void {
    this.room.onLeave(listener);
  }

  /** Resolves with the next message of a type, or rejects after `timeoutMs`. */
  next<K extends keyof EventsOf<C> & string>(type: K, timeoutMs = 10_000): Promise<EventsOf<C>[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.room.onMessage(type, (payload: EventsOf<C>[K]) => {
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }

  /** Resolves when `predicate(state)` holds after a state update, or rejects after `timeoutMs`. */
  waitFor(predicate: (state: StateOf<C>) => boolean, timeoutMs = 10_000): Promise<StateOf<C>> {
    const current = this.room.state as StateOf<C> | undefined;
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const handler = (state: StateOf<C>) => {
        if (!predicate(state)) return;
        clearTimeout(timer);
        this.room.onStateChange.remove(handler);
        resolve(state);
      };
      const timer = setTimeout(() => {
        this.room.onStateChange.remove(handler);
        reject(new Error(`state condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      this.room.onStateChange(handler);
    });
  }

  /** Leaves the room; resolves at once if the connection is already closed (the SDK's would wait forever). */
  leave(consented = true): Promise<number> {
    if (!this.room.connection?.isOpen) return Promise.resolve(this.closeCode ?? 1000);
    return this.room.leave(consented);
  }
}
