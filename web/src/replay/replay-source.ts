/**
 * A replayed match as a mode view's source: the mode's schema state, projected from the replayed
 * rules state, and the messages the mode's announcements made on the way. Nothing can be sent.
 */
import type { EventsOf, ModeName, Modes, PlayerOf, StateOf } from "@arena/client-sdk";
import type { MatchSource } from "../view.js";

type Listener = (payload: unknown) => void;

export class ReplaySource<M extends ModeName> implements MatchSource<M> {
  readonly send = undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly stateListeners = new Set<(state: StateOf<Modes[M]>) => void>();

  /**
   * @param state a fresh schema state of the mode (each seek mounts the view on a new one)
   * @param sessionId the key of the viewer's own player in the players map, or one that matches none
   * @param playersField the state's players map, for `me`
   */
  constructor(
    readonly mode: M,
    readonly state: StateOf<Modes[M]>,
    readonly sessionId: string,
    private readonly playersField: string,
  ) {}

  get me(): PlayerOf<Modes[M]> | undefined {
    const players = (this.state as unknown as Record<string, { get(key: string): unknown }>)[this.playersField];
    return players?.get(this.sessionId) as PlayerOf<Modes[M]> | undefined;
  }

  on<K extends keyof EventsOf<Modes[M]> & string>(type: K, listener: (payload: EventsOf<Modes[M]>[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  onStateChange(listener: (state: StateOf<Modes[M]>) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** A replay has no connection to watch and no errors to show. */
  watch(): () => void {
    return () => {};
  }

  /** Tells the view the state changed (after the player projected into it). */
  changed(): void {
    for (const listener of this.stateListeners) listener(this.state);
  }

  /** Delivers one of the mode's messages to the view. */
  emit(type: string, payload: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(payload);
  }
}
