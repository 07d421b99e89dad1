/**
 * What a running match tells the rooms that mirror it for spectators, on the same node: the lobby
 * as it changes, the setup when it starts, and every input the rules accepted, with its time. From
 * these the pure rules re-create the match exactly — later, if spectators watch with a delay.
 */
import type { LobbyView } from "@arena/shared/kit/projection";
import type { MatchSetup, RulesInput, Time } from "@arena/shared/kit/rules";

export type FeedEvent =
  | { kind: "lobby"; lobby: LobbyView }
  | { kind: "start"; setup: MatchSetup<unknown>; startedAtMs: number }
  | { kind: "input"; at: Time; input: RulesInput<Record<string, unknown>> }
  /** A player's state key changed (a human came back under a new session, or took a bot's seat). */
  | { kind: "keys"; keys: Record<string, string> }
  | { kind: "end" };

/** Everything so far, for a mirror that subscribes late. */
export interface FeedSnapshot {
  mode: string;
  matchId: string;
  seed: number;
  settings: unknown;
  lobby: LobbyView;
  start: { setup: MatchSetup<unknown>; startedAtMs: number } | undefined;
  inputs: Array<[Time, RulesInput<Record<string, unknown>>]>;
  keys: Record<string, string>;
  ended: boolean;
}

export interface MatchSource {
  /** The match's history so far; `listener` then gets what happens next, until it unsubscribes. */
  subscribe(listener: (event: FeedEvent) => void): { snapshot: FeedSnapshot; unsubscribe(): void };
}

/** Matches running on this process, by room id: the only place a mirror can subscribe. */
const sources = new Map<string, MatchSource>();

export function publishMatch(roomId: string, source: MatchSource): () => void {
  sources.set(roomId, source);
  return () => {
    if (sources.get(roomId) === source) sources.delete(roomId);
  };
}

export function localMatch(roomId: string): MatchSource | undefined {
  return sources.get(roomId);
}

/** The listeners of one match; cheap when nobody watches (the common case). */
export class MatchFeed {
  private readonly listeners = new Set<(event: FeedEvent) => void>();

  get watched(): boolean {
    return this.listeners.size > 0;
  }

  add(listener: (event: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: FeedEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
