/** What the browser client needs of a mode: how it is offered in the lobby, its view, and what replays its matches. */
import type { MessagesOf, ModeName, Modes, StateOf } from "@arena/client-sdk";
import type { Announcements } from "@arena/shared/kit/announce";
import type { Projection } from "@arena/shared/kit/projection";
import type { ModeRules } from "@arena/shared/kit/rules";
import type { OptionField } from "../options-form.js";
import type { MatchSource, ModeView, ViewContext } from "../view.js";

/** The mode's pure rules, projection and announcements: the replay viewer re-runs stored matches with the server's own code. */
export interface ReplayKit<M extends ModeName, Settings = unknown, S = unknown, E = unknown> {
  rules: ModeRules<Settings, S, MessagesOf<Modes[M]>, E>;
  projection: Projection<Settings, S, StateOf<Modes[M]>>;
  announcements: Announcements<Modes[M], Settings, S, E>;
}

/** Checks a mode's replay kit with its own types, then hands it out without them (the viewer treats the rules state as opaque). */
export function replayKit<M extends ModeName, Settings, S, E>(kit: ReplayKit<M, Settings, S, E>): ReplayKit<M> {
  return kit as unknown as ReplayKit<M>;
}

export interface WebMode<M extends ModeName> {
  title: string;
  blurb: string;
  /** The lobby's option fields; their keys are the mode's join options. */
  options: readonly OptionField[];
  /** Draws a match: played, watched or replayed (see MatchSource). */
  view(source: MatchSource<M>, context: ViewContext): ModeView;
  replay: ReplayKit<M>;
}
